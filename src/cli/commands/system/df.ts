import type { Command } from 'commander';
import { engine, out } from '../../endpoint/context.js';
import { DF_DEFAULT, DF_HEADERS, diskUsageRows, diskUsageVerbose } from '../../format/disk-usage.js';
import { renderRows } from '../../format/render.js';

export function dfCommand(parent: Command): void {
  parent
    .command('df')
    .description('Show docker disk usage')
    .option('--format <string>', 'Format output using a custom template')
    .option('-v, --verbose', 'Show detailed information on space usage')
    .action(async (flags: { format?: string; verbose?: boolean }) => {
      const df = await engine().systemDf();
      if (flags.verbose && flags.format === undefined) out(diskUsageVerbose(df));
      else out(renderRows(flags.format ?? DF_DEFAULT, diskUsageRows(df), DF_HEADERS));
    });
}
