import { chown } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerRecord } from '../../core/containers.js';
import { run } from '../../lib/exec.js';
import { isMountPoint, unmountIfMounted } from '../../lib/fs/mounts.js';
import { DEFAULT_SHM_SIZE } from './spec/mounts.js';
import { mkdirp } from '../../lib/atomic-file.js';

/**
 * `--ipc shareable`: the container's /dev/shm is a tmpfs mounted on the host at
 * `<bundle>/shm` (Docker's containers/<id>/mounts/shm), so `--ipc container:<it>` can bind the
 * same one (a mount in another container's mount namespace cannot be bound). Mounted at start,
 * unmounted with the rootfs.
 */
export function shmPath(rec: ContainerRecord): string {
  return join(rec.Paths.Bundle, 'shm');
}

export async function mountShareableShm(rec: ContainerRecord, owner?: { uid: number; gid: number }): Promise<string> {
  const path = shmPath(rec);
  if (await isMountPoint(path)) return path;
  await mkdirp(path, 0o700);
  const size = rec.HostConfig.ShmSize && rec.HostConfig.ShmSize > 0 ? rec.HostConfig.ShmSize : DEFAULT_SHM_SIZE;
  await run('mount', ['-t', 'tmpfs', '-o', `nosuid,nodev,noexec,mode=1777,size=${size}`, 'shm', path]);
  if (owner) await chown(path, owner.uid, owner.gid);
  return path;
}

export async function unmountShm(rec: ContainerRecord): Promise<void> {
  if (rec.HostConfig.IpcMode === 'shareable') await unmountIfMounted(shmPath(rec));
}
