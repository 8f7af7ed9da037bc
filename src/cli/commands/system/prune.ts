import type { Command } from 'commander';
import { humanSizeWithPrecision } from '../../../lib/go/units.js';
import { confirm } from '../../io/confirm.js';
import { engine, out } from '../../endpoint/context.js';
import { deletedContainersText, deletedImagesText, deletedNetworksText, deletedVolumesText } from '../../format/prune.js';
import { collect, filtersJson } from '../../flags/options.js';

/** `docker system prune`: stopped containers, unused networks, (with --volumes) anonymous volumes, then dangling (or, with -a, unused) images. */
export function systemPruneCommand(parent: Command): void {
  parent
    .command('prune')
    .description('Remove unused data')
    .option('-a, --all', 'Remove all unused images not just dangling ones')
    .option('--filter <filter>', 'Provide filter values (e.g. "label=<key>=<value>")', collect)
    .option('-f, --force', 'Do not prompt for confirmation')
    .option('--volumes', 'Prune anonymous volumes')
    .action(async (flags: { all?: boolean; filter?: string[]; force?: boolean; volumes?: boolean }) => {
      const items = [
        'all stopped containers',
        'all networks not used by at least one container',
        ...(flags.volumes ? ['all anonymous volumes not used by at least one container'] : []),
        flags.all ? 'all images without at least one container associated to them' : 'all dangling images',
        flags.all ? 'all build cache' : 'unused build cache',
      ];
      const warning = `WARNING! This will remove:\n${items.map((i) => `  - ${i}\n`).join('')}\nAre you sure you want to continue? [y/N] `;
      if (!flags.force && !(await confirm(warning))) return;
      const api = engine();
      const c = await api.containersPrune({ filters: filtersJson(flags.filter) });
      out(deletedContainersText(c));
      let space = c.SpaceReclaimed;
      out(deletedNetworksText(await api.networkPrune({ filters: filtersJson(flags.filter) })));
      if (flags.volumes) {
        const v = await api.volumePrune({ filters: filtersJson(flags.filter) });
        out(deletedVolumesText(v));
        space += v.SpaceReclaimed;
      }
      const i = await api.imagesPrune({ filters: filtersJson([...(flags.filter ?? []), `dangling=${flags.all ? 'false' : 'true'}`]) });
      out(deletedImagesText(i));
      space += i.SpaceReclaimed;
      out(`Total reclaimed space: ${humanSizeWithPrecision(space, 3)}\n`);
    });
}
