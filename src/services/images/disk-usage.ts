import type { ContainerRecord } from '../../core/containers.js';
import type { Image } from '../../core/images.js';
import { dirSize } from '../../lib/fs/du.js';
import type { ImageDeps } from './deps.js';
import { layerBytes } from './prune.js';

export interface DiskUsage {
  /** Bytes of all layer blobs, each counted once. */
  layersSize: number;
  images: Array<{ image: Image; sharedSize: number; containers: number }>;
  containers: Array<{ record: ContainerRecord; sizeRw: number; sizeRootFs: number }>;
}

/** `docker system df`: layer bytes per image (and how many are shared), container upper-dir sizes. */
export async function diskUsage(deps: ImageDeps): Promise<DiskUsage> {
  const sizes = await layerBytes(deps);
  const images = deps.images.list();
  const users = new Map<string, number>();
  for (const img of images) for (const d of new Set(img.config.rootfs.diff_ids)) users.set(d, (users.get(d) ?? 0) + 1);
  const containers = deps.containers.all();
  const perImage = new Map<string, number>();
  for (const c of containers) perImage.set(c.Image, (perImage.get(c.Image) ?? 0) + 1);
  return {
    layersSize: [...sizes.values()].reduce((a, b) => a + b, 0),
    images: images.map((image) => ({
      image,
      sharedSize: [...new Set(image.config.rootfs.diff_ids)].filter((d) => (users.get(d) ?? 0) > 1).reduce((n, d) => n + (sizes.get(d) ?? 0), 0),
      containers: perImage.get(image.id) ?? 0,
    })),
    containers: await Promise.all(
      containers.map(async (record) => {
        const sizeRw = await dirSize(deps.snapshotter.upperDir(record.Id));
        const base = deps.images.get(record.Image as Image['id'])?.size ?? 0;
        return { record, sizeRw, sizeRootFs: sizeRw + base };
      }),
    ),
  };
}
