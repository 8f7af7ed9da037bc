import type { ContainerRecord } from '../../../core/containers.js';
import type { RemapOptions, Snapshotter } from '../../../core/snapshots.js';
import type { MountPoint } from '../../../core/volumes.js';
import { chainIds, type Digest } from '../../../lib/digest.js';
import { hostSource, imageSnapshotKey, imageViewPath } from './host-paths.js';
import { pinSubpath } from './subpath.js';

/**
 * `--mount type=image` (API 1.48): an image's filesystem, read-only, in the container. Each such
 * mount gets a snapshot on the image's top layer when the container is created (overlay: the
 * image's layers as lower dirs under an empty upper; vfs: a copy), mounted on the host under the
 * container's bundle at start and bound read-only into the container (or a subpath of it),
 * unmounted at exit, removed with the container. The record keeps the image's ID, so `rmi`
 * refuses the image while a container mounts it.
 */
export interface ImageSource {
  id: string;
  config: { rootfs: { diff_ids: Digest[] } };
}

const imageMounts = (mounts: readonly MountPoint[]): Array<[MountPoint, number]> =>
  mounts.map((mp, i): [MountPoint, number] => [mp, i]).filter(([mp]) => mp.Type === 'image');

/**
 * At create: resolves each image mount's source (`resolve` throws Docker's "No such image") and
 * prepares its snapshot; `undo` is told how to give each one back.
 */
export async function prepareImageSnapshots(
  snapshotter: Pick<Snapshotter, 'prepare' | 'remove'>,
  containerId: string,
  mounts: MountPoint[],
  resolve: (ref: string) => ImageSource,
  undo: (release: () => Promise<void>) => void,
): Promise<void> {
  for (const [mp, i] of imageMounts(mounts)) {
    const img = resolve(mp.Source);
    mp.ImageID = img.id;
    const chain = chainIds(img.config.rootfs.diff_ids);
    const key = imageSnapshotKey(containerId, i);
    undo(() => snapshotter.remove(key));
    await snapshotter.prepare(key, chain.length ? chain[chain.length - 1]! : null);
  }
}

/** At start: mounts each image view (and pins its subpath); released with the container's other host mounts. */
export async function mountImageViews(snapshotter: Pick<Snapshotter, 'mount' | 'isMounted'>, rec: ContainerRecord, remap?: RemapOptions): Promise<void> {
  for (const [mp, i] of imageMounts(rec.MountPoints ?? [])) {
    const view = imageViewPath(rec, i);
    if (!(await snapshotter.isMounted(view))) await snapshotter.mount(imageSnapshotKey(rec.Id, i), view, remap);
    if (mp.Subpath) await pinSubpath(view, mp.Subpath, hostSource(rec, mp, i));
  }
}

/** At removal: the image views' snapshots. */
export async function removeImageSnapshots(snapshotter: Pick<Snapshotter, 'remove'>, rec: ContainerRecord): Promise<void> {
  for (const [, i] of imageMounts(rec.MountPoints ?? [])) await snapshotter.remove(imageSnapshotKey(rec.Id, i));
}
