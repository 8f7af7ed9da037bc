import type { Command } from 'commander';
import { engine, out } from '../../endpoint/context.js';
import { IMAGES_DEFAULT, IMAGES_DIGESTS, IMAGES_HEADERS, imageContexts } from '../../format/images.js';
import { renderRows } from '../../format/render.js';
import { collect, filtersJson } from '../../flags/options.js';

interface ImagesFlags {
  all?: boolean;
  quiet?: boolean;
  trunc: boolean;
  digests?: boolean;
  filter?: string[];
  format?: string;
}

export function imagesCommand(parent: Command, name = 'images'): void {
  parent
    .command(name)
    .description('List images')
    .argument('[repository]', 'REPOSITORY[:TAG]')
    .option('-a, --all', 'Show all images (default hides intermediate images)')
    .option('--digests', 'Show digests')
    .option('-f, --filter <filter>', 'Filter output based on conditions provided', collect)
    .option('--format <string>', 'Format output using a custom template')
    .option('--no-trunc', "Don't truncate output")
    .option('-q, --quiet', 'Only show image IDs')
    .action(async (repository: string | undefined, flags: ImagesFlags) => {
      const filters = [...(flags.filter ?? []), ...(repository ? [`reference=${repository}`] : [])];
      const list = await engine().imageList({ all: flags.all, filters: filtersJson(filters) });
      const rows = list.flatMap((img) => imageContexts(img, { trunc: flags.trunc }));
      if (flags.quiet) {
        const ids = [...new Set(rows.map((r) => String(r.ID)))];
        out(ids.map((id) => `${id}\n`).join(''));
        return;
      }
      out(renderRows(flags.format ?? (flags.digests ? IMAGES_DIGESTS : IMAGES_DEFAULT), rows, IMAGES_HEADERS));
    });
}
