import type { Command } from 'commander';
import { engine, out } from '../../endpoint/context.js';
import { alignColumns } from '../../format/tabwriter.js';

export function topCommand(parent: Command): void {
  parent
    .command('top')
    .description('Display the running processes of a container')
    .usage('CONTAINER [ps OPTIONS]')
    .argument('<container>')
    .argument('[ps-options...]')
    .passThroughOptions()
    .allowUnknownOption()
    .action(async (container: string, psArgs: string[]) => {
      const top = await engine().containerTop(container, psArgs.length > 0 ? psArgs.join(' ') : undefined);
      out(`${alignColumns([top.Titles.join('\t'), ...top.Processes.map((p) => p.join('\t'))])}\n`);
    });
}
