// The program, the top of cli/: global flags, the command table, dispatch and exit codes. Imports
// the commands (commands/<group>/) and what they share below them; nothing in cli/ imports it.
import { Command, CommanderError } from 'commander';
import { engine, setConnection, type ConnectionFlags } from './endpoint/context.js';
import { describe, StatusError } from './exit/errors.js';
import { cpCommand } from './commands/container/cp.js';
import { createCommand } from './commands/container/create.js';
import { killCommand } from './commands/container/kill.js';
import { logsCommand } from './commands/container/logs.js';
import { execCommand } from './commands/container/exec.js';
import { attachCommand } from './commands/container/attach.js';
import { pauseCommands } from './commands/container/pause.js';
import { renameCommand } from './commands/container/rename.js';
import { topCommand } from './commands/container/top.js';
import { updateCommand } from './commands/container/update.js';
import { statsCommand } from './commands/container/stats.js';
import { psCommand } from './commands/container/ps.js';
import { rmCommand } from './commands/container/rm.js';
import { runCommand } from './commands/container/run.js';
import { startCommand } from './commands/container/start.js';
import { restartCommand, stopCommand } from './commands/container/stop.js';
import { waitCommand } from './commands/container/wait.js';
import { commitCommand } from './commands/container/commit.js';
import { diffCommand } from './commands/container/diff.js';
import { exportCommand } from './commands/container/export.js';
import { portCommand } from './commands/container/port.js';
import { networkCommands } from './commands/network/index.js';
import { containerPruneCommand } from './commands/container/prune.js';
import { historyCommand } from './commands/image/history.js';
import { imagePruneCommand } from './commands/image/prune.js';
import { tagCommand } from './commands/image/tag.js';
import { dfCommand } from './commands/system/df.js';
import { systemPruneCommand } from './commands/system/prune.js';
import { imagesCommand } from './commands/image/images.js';
import { importCommand } from './commands/image/import.js';
import { buildCommand } from './commands/image/build.js';
import { loadCommand } from './commands/image/load.js';
import { pullCommand } from './commands/image/pull.js';
import { pushCommand } from './commands/image/push.js';
import { loginCommand, logoutCommand } from './commands/registry/login.js';
import { saveCommand } from './commands/image/save.js';
import { rmiCommand } from './commands/image/rmi.js';
import { typedInspectCommand } from './inspect/inspector.js';
import { inspectCommand } from './commands/system/inspect.js';
import { volumeCommands } from './commands/volume/index.js';
import { eventsCommand } from './commands/system/events.js';
import { infoCommand } from './commands/system/info.js';
import { CLI_VERSION, versionCommand } from './commands/system/version.js';

type Register = (parent: Command) => unknown;

/** Commands that exist both at the top level and under `container` (docker's two spellings), by the names they register. */
const CONTAINER_COMMANDS: Array<[string[], Register]> = [
  [['run'], runCommand],
  [['create'], createCommand],
  [['start'], startCommand],
  [['stop'], stopCommand],
  [['restart'], restartCommand],
  [['kill'], killCommand],
  [['wait'], waitCommand],
  [['logs'], logsCommand],
  [['cp'], cpCommand],
  [['exec'], execCommand],
  [['attach'], attachCommand],
  [['pause', 'unpause'], pauseCommands],
  [['rename'], renameCommand],
  [['top'], topCommand],
  [['update'], updateCommand],
  [['stats'], statsCommand],
  [['commit'], commitCommand],
  [['diff'], diffCommand],
  [['export'], exportCommand],
  [['port'], portCommand],
];

function containerGroup(program: Command): void {
  const parent = program.command('container').description('Manage containers');
  for (const [, register] of CONTAINER_COMMANDS) register(parent);
  psCommand(parent, 'ls').alias('ps').alias('list');
  rmCommand(parent);
  typedInspectCommand(parent, 'container', (n) => engine().containerInspect(n));
  containerPruneCommand(parent);
}

function imageGroup(program: Command): void {
  const image = program.command('image').description('Manage images');
  imagesCommand(image, 'ls');
  buildCommand(image);
  importCommand(image);
  rmiCommand(image, 'rm');
  historyCommand(image);
  tagCommand(image);
  imagePruneCommand(image);
  saveCommand(image);
  loadCommand(image);
  pullCommand(image);
  pushCommand(image);
  typedInspectCommand(image, 'image', (n) => engine().imageInspect(n));
}

function systemGroup(program: Command): void {
  const system = program.command('system').description('Manage berth');
  infoCommand(system);
  dfCommand(system);
  systemPruneCommand(system);
  eventsCommand(system);
}

/** Every top-level command, in `--help` order, by the names it registers. */
const COMMANDS: Array<[string[], Register]> = [
  ...CONTAINER_COMMANDS,
  [['ps'], (p) => psCommand(p)],
  [['rm'], rmCommand],
  [['container'], containerGroup],
  [['images'], (p) => imagesCommand(p)],
  [['build'], buildCommand],
  [['import'], importCommand],
  [['rmi'], (p) => rmiCommand(p)],
  [['history'], historyCommand],
  [['tag'], tagCommand],
  [['save'], saveCommand],
  [['load'], loadCommand],
  [['pull'], pullCommand],
  [['push'], pushCommand],
  [['login'], loginCommand],
  [['logout'], logoutCommand],
  [['image'], imageGroup],
  [['volume'], volumeCommands],
  [['network'], networkCommands],
  [['inspect'], inspectCommand],
  [['version'], versionCommand],
  [['info'], infoCommand],
  [['events'], eventsCommand],
  [['system'], systemGroup],
];

/** Global options that take a value (the command word is the first argument that is neither). */
const VALUE_OPTIONS = new Set(['-H', '--host', '--tlscacert', '--tlscert', '--tlskey']);

/**
 * The commands to declare for these arguments: the one the command word (`run` in `-H x run -it
 * busybox`) names, none for `--version`, else all (help, unknown words). Declaring all ~100
 * commands costs a CLI start several milliseconds.
 */
function commandsFor(argv: string[]): Array<[string[], Register]> {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (VALUE_OPTIONS.has(a)) i++;
    else if (!a.startsWith('-')) {
      const named = COMMANDS.find(([names]) => names.includes(a));
      return named ? [named] : COMMANDS;
    }
  }
  return argv.some((a) => a === '-v' || a === '--version') && !argv.includes('--help') ? [] : COMMANDS;
}

/** The program with `commands` declared. */
function buildProgram(commands: Array<[string[], Register]>): Command {
  const program = new Command('berth')
    .description('A self-sufficient runtime for containers')
    .usage('[OPTIONS] COMMAND')
    .option('-H, --host <string>', 'Daemon socket to connect to')
    .option('--tls', 'Use TLS; implied by --tlsverify')
    .option('--tlscacert <string>', 'Trust certs signed only by this CA (default "~/.docker/ca.pem")')
    .option('--tlscert <string>', 'Path to TLS certificate file (default "~/.docker/cert.pem")')
    .option('--tlskey <string>', 'Path to TLS key file (default "~/.docker/key.pem")')
    .option('--tlsverify', 'Use TLS and verify the remote')
    .version(`berth version ${CLI_VERSION}`, '-v, --version', 'Print version information and quit')
    .enablePositionalOptions()
    .showSuggestionAfterError(false)
    .hook('preAction', (cmd) => {
      const { host, tls, tlsverify, tlscacert, tlscert, tlskey } = cmd.optsWithGlobals<ConnectionFlags>();
      setConnection({ host, tls, tlsverify, tlscacert, tlscert, tlskey });
    });

  for (const [, register] of commands) register(program);

  // docker uses -h for --hostname in run/create; help is --help only, everywhere.
  const configure = (cmd: Command): void => {
    cmd
      .helpOption('--help', 'Print usage')
      .exitOverride()
      .configureOutput({ outputError: () => undefined });
    cmd.commands.forEach(configure);
  };
  configure(program);
  return program;
}

/** The command the arguments name (`container ls`), skipping options and their values. */
function commandPath(program: Command, argv: string[]): string {
  const names: string[] = [];
  let cmd = program;
  for (const a of argv) {
    if (a.startsWith('-')) continue;
    const sub = cmd.commands.find((c) => c.name() === a || c.aliases().includes(a));
    if (sub === undefined) continue;
    names.push(sub.name());
    cmd = sub;
    if (sub.commands.length === 0) break;
  }
  return names.join(' ');
}

/** Maps a commander usage error to docker's wording and status 125. */
function usageError(err: CommanderError, program: Command, argv: string[]): StatusError {
  const cmdPath = commandPath(program, argv);
  const msg = err.message.replace(/^error: unknown option '(.*)'$/, 'unknown flag: $1').replace(/^error: /, '');
  return new StatusError(125, `${msg}\nSee 'berth ${cmdPath || ''} --help'.`.replace('berth  --help', 'berth --help'));
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram(commandsFor(argv));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code)) return 0;
      if (err.code === 'commander.executeSubCommandAsync') return 0;
      const se = usageError(err, program, argv);
      process.stderr.write(`${se.message}\n`);
      return se.status;
    }
    if (err instanceof StatusError) {
      if (err.message) process.stderr.write(`${err.message}\n`);
      return err.status;
    }
    process.stderr.write(`${describe(err)}\n`);
    return 1;
  }
}

// Exit at once: a pending wait or attach connection must not keep the CLI alive
// (stdout and stderr are synchronous for files and pipes on Linux, so nothing is lost).
void main(process.argv.slice(2)).then((code) => process.exit(code));
