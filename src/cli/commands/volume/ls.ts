import type { Command } from 'commander';
import { engine, out } from '../../endpoint/context.js';
import { renderRows } from '../../format/render.js';
import { VOLUMES_DEFAULT, VOLUMES_HEADERS, volumeContext } from '../../format/volumes.js';
import { collect, filtersJson } from '../../flags/options.js';

export function volumeLsCommand(parent: Command): void {
  parent
    .command('ls')
    .alias('list')
    .description('List volumes')
    .option('-f, --filter <filter>', "Provide filter values (e.g. 'dangling=true')", collect)
    .option('--format <string>', 'Format output using a custom template')
    .option('-q, --quiet', 'Only display volume names')
    .action(async (flags: { filter?: string[]; format?: string; quiet?: boolean }) => {
      const { Volumes } = await engine().volumeList({ filters: filtersJson(flags.filter) });
      const format = flags.quiet ? '{{.Name}}' : (flags.format ?? VOLUMES_DEFAULT);
      out(renderRows(format, Volumes.map(volumeContext), VOLUMES_HEADERS));
    });
}
