import type { Command } from 'commander';
import { engine } from '../../endpoint/context.js';
import { deletedImagesText } from '../../format/prune.js';
import { filtersJson } from '../../flags/options.js';
import { pruneCommand } from '../../prune/prune-command.js';

export function imagePruneCommand(parent: Command): void {
  pruneCommand(parent, {
    description: 'Remove unused images',
    allHelp: 'Remove all unused images, not just dangling ones',
    filterHelp: 'Provide filter values (e.g. "until=<timestamp>")',
    warning: (all) =>
      all ? 'WARNING! This will remove all images without at least one container associated to them.' : 'WARNING! This will remove all dangling images.',
    run: async (filters, all) => {
      const r = await engine().imagesPrune({ filters: filtersJson([...filters, `dangling=${all ? 'false' : 'true'}`]) });
      return { text: deletedImagesText(r), reclaimed: r.SpaceReclaimed };
    },
  });
}
