import type { Command } from 'commander';
import { engine, out } from '../../endpoint/context.js';
import { forEachTarget } from '../../exit/errors.js';

export function rmCommand(parent: Command, name = 'rm'): void {
  parent
    .command(name)
    .description('Remove one or more containers')
    .argument('<container...>')
    .option('-f, --force', 'Force the removal of a running container (uses SIGKILL)')
    .option('-v, --volumes', 'Remove anonymous volumes associated with the container')
    .action(async (containers: string[], flags: { force?: boolean; volumes?: boolean }) => {
      await forEachTarget(containers, async (c) => {
        await engine().containerRemove(c, { force: flags.force, v: flags.volumes });
        out(`${c}\n`);
      });
    });
}
