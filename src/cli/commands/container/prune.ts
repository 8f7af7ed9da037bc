import type { Command } from 'commander';
import { humanSize } from '../../../lib/duration.js';
import { confirm } from '../../confirm.js';
import { engine, out } from '../../context.js';
import { deletedContainersText } from '../../format/prune.js';
import { collect, filtersJson } from '../../options.js';

export function containerPruneCommand(parent: Command): void {
  parent
    .command('prune')
    .description('Remove all stopped containers')
    .option('--filter <filter>', 'Provide filter values (e.g. "until=<timestamp>")', collect)
    .option('-f, --force', 'Do not prompt for confirmation')
    .action(async (flags: { filter?: string[]; force?: boolean }) => {
      if (!flags.force && !(await confirm('WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] '))) return;
      const r = await engine().containersPrune({ filters: filtersJson(flags.filter) });
      out(deletedContainersText(r));
      out(`Total reclaimed space: ${humanSize(r.SpaceReclaimed)}\n`);
    });
}
