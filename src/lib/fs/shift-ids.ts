import type { Stats } from 'node:fs';
import { chmod, lchown, lstat } from 'node:fs/promises';
import { walkTree } from './walk.js';

/** One contiguous range of a user namespace's id map (the OCI spec's LinuxIDMapping shape). */
export interface IdRange {
  containerID: number;
  hostID: number;
  size: number;
}

/** The host id a container id maps to; ids outside every range map to themselves' overflow (undefined). */
export function toHostId(id: number, map: readonly IdRange[]): number | undefined {
  for (const r of map) if (id >= r.containerID && id < r.containerID + r.size) return r.hostID + (id - r.containerID);
  return undefined;
}

/** The container id a host id stands for (the inverse of toHostId); undefined when unmapped. */
export function toContainerId(id: number, map: readonly IdRange[]): number | undefined {
  for (const r of map) if (id >= r.hostID && id < r.hostID + r.size) return r.containerID + (id - r.hostID);
  return undefined;
}

async function shiftOne(path: string, st: Stats, uids: readonly IdRange[], gids: readonly IdRange[]): Promise<void> {
  const uid = toHostId(st.uid, uids) ?? st.uid;
  const gid = toHostId(st.gid, gids) ?? st.gid;
  if (uid === st.uid && gid === st.gid) return;
  await lchown(path, uid, gid);
  // chown clears setuid/setgid on files (even for root, since Linux 2.2.13): put them back.
  if (!st.isSymbolicLink() && !st.isDirectory() && (st.mode & 0o6000) !== 0) await chmod(path, st.mode & 0o7777);
}

/**
 * Re-owns a whole tree (the root included) from container ids to the host ids a user namespace
 * maps them to: the image's root-owned files become the remapped root's. Never follows symlinks.
 * Ids outside the map are left as they are (the container sees them as the overflow id).
 */
export async function shiftTreeIds(root: string, uids: readonly IdRange[], gids: readonly IdRange[]): Promise<void> {
  await shiftOne(root, await lstat(root), uids, gids);
  for await (const e of walkTree(root)) await shiftOne(e.path, e.st, uids, gids);
}
