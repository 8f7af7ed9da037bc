import type { Command } from 'commander';
import { engine } from '../../endpoint/context.js';
import { deletedVolumesText } from '../../format/prune.js';
import { filtersJson } from '../../flags/options.js';
import { pruneCommand } from '../../prune/prune-command.js';

export function volumePruneCommand(parent: Command): void {
  pruneCommand(parent, {
    description: 'Remove unused local volumes',
    allHelp: 'Remove all unused volumes, not just anonymous ones',
    filterHelp: "Provide filter values (e.g. 'label=<label>')",
    warning: (all) =>
      all
        ? 'WARNING! This will remove all local volumes not used by at least one container.'
        : 'WARNING! This will remove anonymous local volumes not used by at least one container.',
    run: async (filters, all) => {
      const r = await engine().volumePrune({ filters: filtersJson([...filters, ...(all ? ['all=true'] : [])]) });
      return { text: deletedVolumesText(r), reclaimed: r.SpaceReclaimed };
    },
  });
}
