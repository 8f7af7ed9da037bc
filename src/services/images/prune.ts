import { isDangling, type Image } from '../../core/images.js';
import { matchLabels, type Filters } from '../../lib/filters.js';
import { parseUntil } from '../../lib/until.js';
import type { ImageDeps } from './deps.js';
import { hasDescendants } from './lineage.js';
import { usesImage } from '../../core/containers.js';
import { removeImage, type DeleteItem } from './remove.js';

export const IMAGE_PRUNE_FILTERS = ['dangling', 'label', 'label!', 'until'];

export interface ImagePruneReport {
  ImagesDeleted: DeleteItem[] | null;
  SpaceReclaimed: number;
}

/**
 * `docker image prune [-a]`: removes dangling images (with `dangling=false`: every image no
 * container uses) that have no child images, repeating so that a removed leaf's untagged
 * parents go too, as Docker's parent pruning does. SpaceReclaimed counts layer blobs freed.
 */
export async function pruneImages(deps: ImageDeps, filters: Filters): Promise<ImagePruneReport> {
  const danglingOnly = !['false', '0'].includes(filters.get('dangling')?.[0] ?? 'true');
  const until = filters.get('until')?.[0];
  const untilMs = until === undefined ? undefined : parseUntil(until);
  const matches = (img: Image): boolean =>
    (!filters.has('label') || matchLabels(img.config.config?.Labels, filters.get('label')!)) &&
    (!filters.has('label!') || !filters.get('label!')!.some((l) => matchLabels(img.config.config?.Labels, [l]))) &&
    (untilMs === undefined || Date.parse(img.config.created ?? '') < untilMs);
  const before = await layerBytes(deps);
  const deleted: DeleteItem[] = [];
  for (;;) {
    const all = deps.images.list();
    const victims = all.filter(
      (img) => !deps.containers.all().some((c) => usesImage(c, img.id)) && (!danglingOnly || isDangling(img)) && matches(img) && !hasDescendants(img, all),
    );
    if (victims.length === 0) break;
    for (const img of victims) deleted.push(...(await removeImage(deps, img.id, { force: true, noprune: true })));
  }
  const after = await layerBytes(deps);
  let space = 0;
  for (const [digest, size] of before) if (!after.has(digest)) space += size;
  return { ImagesDeleted: deleted.length ? deleted : null, SpaceReclaimed: space };
}

/** Every layer blob the images reference, with its size. */
export async function layerBytes(deps: Pick<ImageDeps, 'images' | 'content'>): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const img of deps.images.list()) {
    for (const d of img.config.rootfs.diff_ids) {
      if (!out.has(d)) out.set(d, (await deps.content.info(d))?.size ?? 0);
    }
  }
  return out;
}
