import type { Command } from 'commander';
import { engine, out } from '../../endpoint/context.js';
import { HISTORY_DEFAULT, HISTORY_HEADERS, historyContext } from '../../format/history.js';
import { renderRows } from '../../format/render.js';
import { parseBoolFlag } from '../../flags/options.js';

interface HistoryFlags {
  human: string | boolean;
  quiet?: boolean;
  trunc: boolean;
  format?: string;
}

export function historyCommand(parent: Command): void {
  parent
    .command('history')
    .description('Show the history of an image')
    .argument('<image>')
    .option('--format <string>', 'Format output using a custom template')
    .option('-H, --human [bool]', 'Print sizes and dates in human readable format', true)
    .option('--no-trunc', "Don't truncate output")
    .option('-q, --quiet', 'Only show image IDs')
    .action(async (image: string, flags: HistoryFlags) => {
      const human = parseBoolFlag(flags.human, '-H, --human');
      const items = await engine().imageHistory(image);
      const rows = items.map((h) => historyContext(h, { trunc: flags.trunc, human }));
      if (flags.quiet) {
        out(rows.map((r) => `${String(r.ID)}\n`).join(''));
        return;
      }
      out(renderRows(flags.format ?? HISTORY_DEFAULT, rows, HISTORY_HEADERS));
    });
}
