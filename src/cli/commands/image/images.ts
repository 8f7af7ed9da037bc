import type { Command } from 'commander';
import { engine, out } from '../../endpoint/context.js';
import { IMAGES_DEFAULT, IMAGES_DIGESTS, IMAGES_HEADERS, imageContexts } from '../../format/images.js';
import { renderRows } from '../../format/render.js';
import { renderLayers, renderTree, treeRows } from '../../format/image-tree.js';
import { layerTree } from '../../../lib/layer-tree.js';
import type { Digest } from '../../../lib/digest.js';
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
  layers?: boolean;
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
    .option('--layers', 'With --tree: also show which layers the images share (berth)')
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
        if (flags.layers) out(renderLayers(layerTree(await Promise.all(list.map((img) => imageLayers(img.Id, img.RepoTags))))));
        return;
      }
      const list = await engine().imageList({ all: flags.all, filters: filtersJson(filters) });
      const rows = list.flatMap((img) => imageContexts(img, { trunc: flags.trunc, digests: flags.digests === true }));
      if (flags.quiet) {
        const ids = [...new Set(rows.map((r) => String(r.ID)))];
        out(ids.map((id) => `${id}\n`).join(''));
        return;
      }
      out(renderRows(flags.format ?? (flags.digests ? IMAGES_DIGESTS : IMAGES_DEFAULT), rows, IMAGES_HEADERS));
    });
}

/**
 * An image's layers for the layer tree: diff IDs from inspect, sizes from history (its entries
 * with a size are the layers, newest first; when they do not pair up one to one, sizes show 0).
 */
async function imageLayers(id: string, names: string[]): Promise<{ diffIds: Digest[]; sizes: number[]; names: string[] }> {
  const [inspect, history] = await Promise.all([engine().imageInspect(id), engine().imageHistory(id)]);
  const diffIds = inspect.RootFS.Layers as Digest[];
  const sized = history
    .filter((h) => h.Size > 0)
    .map((h) => h.Size)
    .reverse();
  return { diffIds, sizes: sized.length === diffIds.length ? sized : [], names: names.length > 0 ? names : [id.replace(/^sha256:/, '').slice(0, 12)] };
}
