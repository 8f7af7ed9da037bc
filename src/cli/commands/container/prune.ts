import type { Command } from 'commander';
import { engine } from '../../endpoint/context.js';
import { deletedContainersText } from '../../format/prune.js';
import { filtersJson } from '../../flags/options.js';
import { pruneCommand } from '../../prune/prune-command.js';

export function containerPruneCommand(parent: Command): void {
  pruneCommand(parent, {
    description: 'Remove all stopped containers',
    filterHelp: 'Provide filter values (e.g. "until=<timestamp>")',
    warning: () => 'WARNING! This will remove all stopped containers.',
    run: async (filters) => {
      const r = await engine().containersPrune({ filters: filtersJson(filters) });
      return { text: deletedContainersText(r), reclaimed: r.SpaceReclaimed };
    },
  });
}
