import type { Command } from 'commander';
import type { ExecCreateRequest } from '../../../api/types/exec.js';
import { engine } from '../../endpoint/context.js';
import { collect } from '../../flags/options.js';
import { StatusError } from '../../exit/errors.js';
import { runSession } from '../../io/stdio-session.js';
import { envEntry, readKeyValueFile } from './create-flags.js';

interface ExecFlags {
  detach?: boolean;
  detachKeys?: string;
  env?: string[];
  envFile?: string[];
  interactive?: boolean;
  privileged?: boolean;
  tty?: boolean;
  user?: string;
  workdir?: string;
}

export function execCommand(parent: Command): void {
  parent
    .command('exec')
    .description('Execute a command in a running container')
    .usage('[OPTIONS] CONTAINER COMMAND [ARG...]')
    .argument('<container>')
    .argument('<command...>')
    .passThroughOptions()
    .option('-d, --detach', 'Detached mode: run command in the background')
    .option('--detach-keys <string>', 'Override the key sequence for detaching a container')
    .option('-e, --env <list>', 'Set environment variables', collect)
    .option('--env-file <list>', 'Read in a file of environment variables', collect)
    .option('-i, --interactive', 'Keep STDIN open even if not attached')
    .option('--privileged', 'Give extended privileges to the command')
    .option('-t, --tty', 'Allocate a pseudo-TTY')
    .option('-u, --user <string>', 'Username or UID (format: "<name|uid>[:<group|gid>]")')
    .option('-w, --workdir <string>', 'Working directory inside the container')
    .action(async (container: string, command: string[], flags: ExecFlags) => {
      const api = engine();
      const attach = flags.detach !== true;
      const body: ExecCreateRequest = {
        User: flags.user ?? '',
        Privileged: flags.privileged === true,
        Tty: flags.tty === true,
        AttachStdin: attach && flags.interactive === true,
        AttachStdout: attach,
        AttachStderr: attach,
        DetachKeys: flags.detachKeys ?? '',
        Env: [...(flags.envFile ?? []).flatMap((f) => readKeyValueFile(f, true)), ...(flags.env ?? []).map(envEntry)].filter((e) => e !== ''),
        WorkingDir: flags.workdir ?? '',
        Cmd: command,
      };
      const { Id } = await api.execCreate(container, body);
      if (!attach) {
        await api.execStartDetached(Id);
        return;
      }
      const conn = await api.execStart(Id, { Detach: false, Tty: body.Tty });
      await runSession(conn, { tty: body.Tty === true, stdin: body.AttachStdin === true, resize: (h, w) => api.execResize(Id, h, w) });
      const { ExitCode } = await api.execInspect(Id);
      if (ExitCode !== 0 && ExitCode !== null) throw new StatusError(ExitCode);
    });
}
