import type { Command } from 'commander';
import { engine, out } from '../../endpoint/context.js';
import { forEachTarget } from '../../exit/errors.js';

export function rmCommand(parent: Command, name = 'rm'): void {
  parent
    .command(name)
    .description('Remove one or more containers')
    .argument('<container...>')
    .option('-f, --force', 'Force the removal of a running container (uses SIGKILL)')
    .option('-l, --link', 'Remove the specified link')
    .option('-v, --volumes', 'Remove anonymous volumes associated with the container')
    .action(async (containers: string[], flags: { force?: boolean; link?: boolean; volumes?: boolean }) => {
      await forEachTarget(containers, async (c) => {
        // A link is named `/<linking>/<alias>`; the docker CLI sends it without the slashes around it.
        const target = flags.link ? c.replace(/^\/+|\/+$/g, '') : c;
        await engine().containerRemove(target, { force: flags.force, v: flags.volumes, link: flags.link });
        out(`${c}\n`);
      });
    });
}
