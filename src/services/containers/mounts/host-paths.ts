import { join } from 'node:path';
import type { ContainerRecord } from '../../../core/containers.js';
import type { MountPoint } from '../../../core/volumes.js';

/**
 * Where a container's mounts are readied on the host when the container cannot take them from
 * their Source as it is: `<bundle>/mounts/image-N` (an image's filesystem, `--mount type=image`)
 * and `<bundle>/mounts/sub-N` (a subpath of a volume or image, pinned). N is the mount's index
 * in the record's MountPoints. Everything there is mounted at start and unmounted at exit.
 */
export const hostMountsDir = (rec: Pick<ContainerRecord, 'Paths'>): string => join(rec.Paths.Bundle, 'mounts');

export const imageViewPath = (rec: Pick<ContainerRecord, 'Paths'>, index: number): string => join(hostMountsDir(rec), `image-${index}`);

/** The host path the container's bind mount of `mp` (the record's `index`th mount) takes. */
export function hostSource(rec: Pick<ContainerRecord, 'Paths'>, mp: MountPoint, index: number): string {
  if (mp.Subpath) return join(hostMountsDir(rec), `sub-${index}`);
  if (mp.Type === 'image') return imageViewPath(rec, index);
  return mp.Source;
}

/** The snapshot holding an image mount's view: one per container and mount, removed with the container. */
export const imageSnapshotKey = (containerId: string, index: number): string => `${containerId}-image-${index}`;

/** The container an image mount's snapshot belongs to (the key itself for a container's own). */
export const snapshotOwner = (key: string): string => key.replace(/-image-\d+$/, '');
