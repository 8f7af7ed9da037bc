import type { Command } from 'commander';
import { DaemonError } from '../../../client/errors.js';
import { engine } from '../../endpoint/context.js';
import { StatusError } from '../../exit/errors.js';
import { printInspect } from '../../inspect/inspector.js';

type Kind = 'container' | 'image' | 'volume';

async function inspectAny(name: string, type: Kind | undefined): Promise<unknown> {
  const api = engine();
  if (type === 'image') return api.imageInspect(name);
  if (type === 'container') return api.containerInspect(name);
  if (type === 'volume') return api.volumeInspect(name);
  const lookups: Array<(n: string) => Promise<unknown>> = [(n) => api.containerInspect(n), (n) => api.imageInspect(n)];
  for (const fetch of lookups) {
    try {
      return await fetch(name);
    } catch (err) {
      if (!(err instanceof DaemonError && err.status === 404)) throw err;
    }
  }
  return api.volumeInspect(name);
}

export function inspectCommand(parent: Command): void {
  parent
    .command('inspect')
    .description('Return low-level information on Docker objects')
    .argument('<name...>')
    .option('-f, --format <string>', 'Format output using a custom template')
    .option('--type <string>', 'Only inspect objects of the given type')
    .option('-s, --size', 'Display total file sizes if the type is container')
    .action(async (names: string[], flags: { format?: string; type?: string }) => {
      if (flags.type !== undefined && !['container', 'image', 'volume'].includes(flags.type)) {
        throw new StatusError(1, `"${flags.type}" is not a valid value for --type`);
      }
      const type = flags.type as Kind | undefined;
      await printInspect(
        names,
        flags.format,
        (n) => inspectAny(n, type),
        (n) => `Error: No such ${type ?? 'object'}: ${n}`,
      );
    });
}
