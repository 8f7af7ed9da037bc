import type { Command } from 'commander';
import { engine, out } from '../../endpoint/context.js';
import { containerContext, PS_DEFAULT, PS_HEADERS } from '../../format/containers.js';
import { renderRows } from '../../format/render.js';
import { collect, filtersJson, int } from '../../flags/options.js';

interface PsFlags {
  all?: boolean;
  quiet?: boolean;
  latest?: boolean;
  last?: number;
  trunc: boolean;
  filter?: string[];
  format?: string;
  size?: boolean;
}

export function psCommand(parent: Command, name = 'ps'): Command {
  return parent
    .command(name)
    .description('List containers')
    .option('-a, --all', 'Show all containers (default shows just running)')
    .option('-f, --filter <filter>', 'Filter output based on conditions provided', collect)
    .option('--format <string>', 'Format output using a custom template')
    .option('-n, --last <int>', 'Show n last created containers (includes all states)', int)
    .option('-l, --latest', 'Show the latest created container (includes all states)')
    .option('--no-trunc', "Don't truncate output")
    .option('-q, --quiet', 'Only display container IDs')
    .option('-s, --size', 'Display total file sizes')
    .action(async (flags: PsFlags) => {
      const limit = flags.latest ? 1 : flags.last !== undefined && flags.last > 0 ? flags.last : undefined;
      const list = await engine().containerList({ all: flags.all, limit, filters: filtersJson(flags.filter), size: flags.size });
      const rows = list.map((c) => containerContext(c, flags.trunc));
      const format = flags.quiet ? '{{.ID}}' : (flags.format ?? PS_DEFAULT);
      out(renderRows(format, rows, PS_HEADERS));
    });
}
