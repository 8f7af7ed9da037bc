import type { Command } from 'commander';
import { engine, out } from '../../endpoint/context.js';
import { forEachTarget } from '../../exit/errors.js';

export function volumeRmCommand(parent: Command): void {
  parent
    .command('rm')
    .alias('remove')
    .description('Remove one or more volumes')
    .argument('<volume...>')
    .option('-f, --force', 'Force the removal of one or more volumes')
    .action(async (names: string[], flags: { force?: boolean }) => {
      await forEachTarget(names, async (n) => {
        await engine().volumeRemove(n, flags.force);
        out(`${n}\n`);
      });
    });
}
