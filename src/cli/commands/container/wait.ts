import type { Command } from 'commander';
import { engine, out } from '../../endpoint/context.js';
import { forEachTarget } from '../../exit/errors.js';

export function waitCommand(parent: Command): void {
  parent
    .command('wait')
    .description('Block until one or more containers stop, then print their exit codes')
    .argument('<container...>')
    .action(async (containers: string[]) => {
      await forEachTarget(containers, async (c) => {
        const { result } = await engine().containerWait(c, 'not-running');
        out(`${(await result).StatusCode}\n`);
      });
    });
}
