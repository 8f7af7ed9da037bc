import type { ContainerRecord } from '../../core/containers.js';
import type { Snapshotter } from '../../core/snapshots.js';
import { unmountAllUnder } from '../../lib/fs/mounts.js';
import { hostMountsDir } from './mounts/host-paths.js';
import { unmountShm } from './shm.js';

/**
 * Everything a container's run mounted on the host: image views and pinned subpaths (under
 * `<bundle>/mounts`), the rootfs and a shareable /dev/shm. Idempotent: the exit, the removal, a
 * rolled-back start and start-up's repair all call it.
 */
export async function unmountContainer(snapshotter: Pick<Snapshotter, 'unmount'>, rec: ContainerRecord): Promise<void> {
  await unmountAllUnder(hostMountsDir(rec));
  await snapshotter.unmount(rec.Paths.Rootfs);
  await unmountShm(rec);
}
