// What the inspect commands share: Docker's inspect output (an indented JSON array or one
// template line per object) and the `<kind> inspect` command of each group. Below the commands;
// imports the endpoint, exit and format folders of cli/, the client and lib.
import type { Command } from 'commander';
import { DaemonError } from '../../client/errors.js';
import { out } from '../endpoint/context.js';
import { describe, StatusError } from '../exit/errors.js';
import { renderOne } from '../format/render.js';

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
