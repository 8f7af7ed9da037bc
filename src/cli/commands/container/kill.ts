import type { Command } from 'commander';
import { engine, out } from '../../endpoint/context.js';
import { forEachTarget } from '../../exit/errors.js';

export function killCommand(parent: Command): void {
  parent
    .command('kill')
    .description('Kill one or more running containers')
    .argument('<container...>')
    .option('-s, --signal <string>', 'Signal to send to the container', 'KILL')
    .action(async (containers: string[], flags: { signal: string }) => {
      await forEachTarget(containers, async (c) => {
        await engine().containerKill(c, flags.signal);
        out(`${c}\n`);
      });
    });
}
