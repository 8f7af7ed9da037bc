import { InvalidArgumentError, Option, type Command } from 'commander';
import { engine, out } from '../../endpoint/context.js';
import { StatusError } from '../../exit/errors.js';
import { collect } from '../../flags/options.js';

/** `k=v` list → map; a bare `k` maps to "" (docker's ListOpts → map). */
export function keyValues(list: string[] | undefined, flag: string): Record<string, string> {
  const outMap: Record<string, string> = {};
  for (const item of list ?? []) {
    const i = item.indexOf('=');
    if (i === 0) throw new InvalidArgumentError(`invalid argument "${item}" for "${flag}" flag: invalid key`);
    if (i < 0) outMap[item] = '';
    else outMap[item.slice(0, i)] = item.slice(i + 1);
  }
  return outMap;
}

export function volumeCreateCommand(parent: Command): void {
  parent
    .command('create')
    .description('Create a volume')
    .argument('[volume]')
    .option('-d, --driver <string>', 'Specify volume driver name', 'local')
    .option('--label <list>', 'Set metadata for a volume', collect)
    .option('-o, --opt <map>', 'Set driver specific options', collect)
    .addOption(new Option('--name <string>', 'Specify volume name').hideHelp())
    .action(async (volume: string | undefined, flags: { driver: string; label?: string[]; opt?: string[]; name?: string }) => {
      if (volume !== undefined && flags.name !== undefined && volume !== flags.name) {
        throw new StatusError(1, `conflicting options: either specify --name or provide positional arg, not both`);
      }
      const v = await engine().volumeCreate({
        Name: volume ?? flags.name ?? '',
        Driver: flags.driver,
        DriverOpts: keyValues(flags.opt, '--opt'),
        Labels: keyValues(flags.label, '--label'),
      });
      out(`${v.Name}\n`);
    });
}
