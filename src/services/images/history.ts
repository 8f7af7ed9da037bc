import { notFound } from '../../lib/errdefs.js';
import type { HistoryEntry, HistoryItem, Image } from '../../core/images.js';
import type { OciManifest } from '../../lib/oci/image-spec.js';
import { unixSeconds } from '../../lib/time.js';
import type { ImageDeps } from './deps.js';
import { imageAtStep } from './lineage.js';

/**
 * `docker history`: the config's history entries, each with the size of the layer it made (0 for
 * `empty_layer` steps) and the ID of the local image of that step, or `<missing>` when there is none.
 */
export async function imageHistory(deps: Pick<ImageDeps, 'images' | 'content'>, ref: string, tagsOf: (img: Image) => string[]): Promise<HistoryItem[]> {
  const img = deps.images.resolve(ref);
  if (img === undefined) throw notFound(`No such image: ${ref}`);
  const manifest = JSON.parse((await deps.content.read(img.manifestDigest)).toString()) as OciManifest;
  const all = deps.images.list();
  const history: HistoryEntry[] = img.config.history?.length ? img.config.history : manifest.layers.map(() => ({}));
  const out: HistoryItem[] = [];
  let layer = 0;
  history.forEach((h, i) => {
    const size = h.empty_layer ? 0 : (manifest.layers[layer++]?.size ?? 0);
    const step = imageAtStep(img, i + 1, all);
    const tags = step ? tagsOf(step) : [];
    out.push({
      Id: step?.id ?? '<missing>',
      Created: h.created ? unixSeconds(h.created) : 0,
      CreatedBy: h.created_by ?? '',
      Tags: tags.length > 0 ? tags : null,
      Size: size,
      Comment: h.comment ?? '',
    });
  });
  return out.reverse();
}
