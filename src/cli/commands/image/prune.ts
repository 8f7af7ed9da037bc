import type { Command } from 'commander';
import { humanSize } from '../../../lib/duration.js';
import { confirm } from '../../confirm.js';
import { engine, out } from '../../context.js';
import { deletedImagesText } from '../../format/prune.js';
import { collect, filtersJson } from '../../options.js';

export function imagePruneCommand(parent: Command): void {
  parent
    .command('prune')
    .description('Remove unused images')
    .option('-a, --all', 'Remove all unused images, not just dangling ones')
    .option('--filter <filter>', 'Provide filter values (e.g. "until=<timestamp>")', collect)
    .option('-f, --force', 'Do not prompt for confirmation')
    .action(async (flags: { all?: boolean; filter?: string[]; force?: boolean }) => {
      const warning = flags.all
        ? 'WARNING! This will remove all images without at least one container associated to them.'
        : 'WARNING! This will remove all dangling images.';
      if (!flags.force && !(await confirm(`${warning}\nAre you sure you want to continue? [y/N] `))) return;
      const r = await engine().imagesPrune({ filters: filtersJson([...(flags.filter ?? []), `dangling=${flags.all ? 'false' : 'true'}`]) });
      out(deletedImagesText(r));
      out(`Total reclaimed space: ${humanSize(r.SpaceReclaimed)}\n`);
    });
}
