import type { Command } from 'commander';
import { DaemonError } from '../../client/errors.js';
import { engine, out } from '../context.js';
import { describe, StatusError } from '../errors.js';
import { renderOne } from '../format/render.js';

type Kind = 'container' | 'image' | 'volume';

/**
 * docker's inspect output: an indented JSON array (`[]` when nothing was found), or one template
 * line per object. `notFound` words the error for a name the daemon does not know.
 */
export async function printInspect(
  names: string[],
  format: string | undefined,
  fetch: (name: string) => Promise<unknown>,
  notFound: (name: string, err: DaemonError) => string,
): Promise<void> {
  const found: unknown[] = [];
  const errors: string[] = [];
  for (const name of names) {
    try {
      found.push(await fetch(name));
    } catch (err) {
      if (err instanceof DaemonError && err.status === 404) errors.push(notFound(name, err));
      else throw err;
    }
  }
  if (format !== undefined) for (const obj of found) out(`${renderOne(format, obj)}\n`);
  else out(`${JSON.stringify(found, null, 4)}\n`);
  if (errors.length) throw new StatusError(1, errors.join('\n'));
}

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

/**
 * `container|image|network|volume inspect`: the same output, one kind only. As the docker CLI, a
 * missing container reads "Error: No such container: x"; the other kinds print the daemon's words.
 */
export function typedInspectCommand(parent: Command, kind: string, fetch: (name: string) => Promise<unknown>): void {
  parent
    .command('inspect')
    .description(`Display detailed information on one or more ${kind}s`)
    .argument(`<${kind}...>`)
    .option('-f, --format <string>', 'Format output using a custom template')
    .action(async (names: string[], flags: { format?: string }) => {
      await printInspect(names, flags.format, fetch, (n, err) => (kind === 'container' ? `Error: No such container: ${n}` : describe(err)));
    });
}
