import type { Command } from 'commander';
import { engine, out } from '../../endpoint/context.js';
import { IMAGES_DEFAULT, IMAGES_DIGESTS, IMAGES_HEADERS, imageContexts } from '../../format/images.js';
import { renderRows } from '../../format/render.js';
import { renderTree, treeRows } from '../../format/image-tree.js';
import { StatusError } from '../../exit/errors.js';
import { collect, filtersJson } from '../../flags/options.js';

interface ImagesFlags {
  all?: boolean;
  quiet?: boolean;
  trunc: boolean;
  digests?: boolean;
  filter?: string[];
  format?: string;
  tree?: boolean;
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
    .option('--tree', 'List multi-platform images as a tree (EXPERIMENTAL)')
    .action(async (repository: string | undefined, flags: ImagesFlags) => {
      const filters = [...(flags.filter ?? []), ...(repository ? [`reference=${repository}`] : [])];
      if (flags.tree) {
        // As the docker CLI: the tree has its own layout, so these flags are refused with it.
        const clash = flags.quiet
          ? '--quiet'
          : !flags.trunc
            ? '--no-trunc'
            : flags.digests
              ? '--show-digest'
              : flags.format !== undefined
                ? '--format'
                : undefined;
        if (clash !== undefined) throw new StatusError(1, `${clash} is not yet supported with --tree`);
        const list = await engine().imageListManifests({ all: flags.all, filters: filtersJson(filters) });
        out(renderTree(treeRows(list), process.stdout.isTTY ? process.stdout.columns : 80));
        return;
      }
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
