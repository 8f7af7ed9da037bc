import type { Command } from 'commander';
import { humanSize } from '../../../lib/duration.js';
import { confirm } from '../../confirm.js';
import { engine, out } from '../../context.js';
import { collect, filtersJson } from '../../options.js';

export function volumePruneCommand(parent: Command): void {
  parent
    .command('prune')
    .description('Remove unused local volumes')
    .option('-a, --all', 'Remove all unused volumes, not just anonymous ones')
    .option('--filter <filter>', "Provide filter values (e.g. 'label=<label>')", collect)
    .option('-f, --force', 'Do not prompt for confirmation')
    .action(async (flags: { all?: boolean; filter?: string[]; force?: boolean }) => {
      const warning = flags.all
        ? 'WARNING! This will remove all local volumes not used by at least one container.'
        : 'WARNING! This will remove anonymous local volumes not used by at least one container.';
      if (!flags.force && !(await confirm(`${warning}\nAre you sure you want to continue? [y/N] `))) return;
      const filters = [...(flags.filter ?? []), ...(flags.all ? ['all=true'] : [])];
      const r = await engine().volumePrune({ filters: filtersJson(filters) });
      if (r.VolumesDeleted.length > 0) out(`Deleted Volumes:\n${r.VolumesDeleted.map((n) => `${n}\n`).join('')}\n`);
      out(`Total reclaimed space: ${humanSize(r.SpaceReclaimed)}\n`);
    });
}
