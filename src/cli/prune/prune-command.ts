// The one shape of every `… prune` command (container, image, network, volume). Below the
// commands; imports endpoint/, flags/, io/ and lib.
import type { Command } from 'commander';
import { humanSizeWithPrecision } from '../../lib/go/units.js';
import { confirm } from '../io/confirm.js';
import { out } from '../endpoint/context.js';
import { collect } from '../flags/options.js';

export interface PruneSpec {
  description: string;
  filterHelp: string;
  /** Help for `-a/--all`, when the command has it. */
  allHelp?: string;
  /** The confirmation text without the question (it may depend on `-a`). */
  warning: (all: boolean) => string;
  /** Prunes and returns the report text and the bytes reclaimed (undefined: no total line, as for networks). */
  run: (filters: string[], all: boolean) => Promise<{ text: string; reclaimed?: number }>;
}

/** One shape for every `… prune`: `--filter`, `-f/--force`, docker's confirmation, the report, the total. */
export function pruneCommand(parent: Command, spec: PruneSpec): void {
  const cmd = parent.command('prune').description(spec.description);
  if (spec.allHelp) cmd.option('-a, --all', spec.allHelp);
  cmd
    .option('--filter <filter>', spec.filterHelp, collect)
    .option('-f, --force', 'Do not prompt for confirmation')
    .action(async (flags: { all?: boolean; filter?: string[]; force?: boolean }) => {
      const all = flags.all === true;
      if (!flags.force && !(await confirm(`${spec.warning(all)}\nAre you sure you want to continue? [y/N] `))) return;
      const r = await spec.run(flags.filter ?? [], all);
      out(r.text);
      if (r.reclaimed !== undefined) out(`Total reclaimed space: ${humanSizeWithPrecision(r.reclaimed, 3)}\n`);
    });
}
