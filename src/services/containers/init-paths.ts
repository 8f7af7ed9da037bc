import { lstat, readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';

/**
 * Mount targets the runtime creates in a container's writable layer when the image lacks them
 * (Docker keeps these in a separate "init" layer, so they never show in `diff` or a commit).
 * Only their creation is hidden: a path the image already has is reported like any other.
 */
export const INIT_PATHS = ['.dockerenv', 'dev', 'dev/console', 'dev/pts', 'dev/shm', 'etc/hostname', 'etc/hosts', 'etc/mtab', 'etc/resolv.conf', 'proc', 'sys'];

/** The INIT_PATHS (relative, no leading slash) that none of the lower dirs has: the runtime made them. */
export async function runtimeCreatedPaths(lowers: string[]): Promise<Set<string>> {
  // All at once: one after the other, a build step's commit waited ≈ 11 × layers thread-pool round trips.
  const found = await Promise.all(INIT_PATHS.map((rel) => inLowers(lowers, rel)));
  return new Set(INIT_PATHS.filter((_, i) => !found[i]));
}

async function inLowers(lowers: string[], rel: string): Promise<boolean> {
  const stats = await Promise.all(lowers.map((dir) => lstat(join(dir, rel)).catch(() => null)));
  return stats.some((st) => st !== null);
}

/**
 * The mount points the runtime made in the writable layer for mounts at `targets` (absolute paths
 * in the container) where the image had nothing: the target (an empty directory or file) and each
 * parent it needed while nothing else was written in it. A build step leaves them out of its
 * layer, as BuildKit's mount stub cleaner does (`RUN --mount=…,target=/x` leaves no empty /x).
 * Call on a stopped container: a target under a symlink of the writable layer is left alone.
 */
export async function createdMountPoints(lowers: string[], upper: string, targets: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const target of targets) {
    const parts = posix.normalize(`/${target}`).split('/').filter(Boolean);
    const stats = [];
    for (let k = 1; k <= parts.length; k++) {
      const st = await lstat(join(upper, ...parts.slice(0, k))).catch(() => null);
      if (st === null || st.isSymbolicLink()) break;
      stats.push(st);
    }
    if (stats.length < parts.length) continue;
    for (let k = parts.length; k > 0; k--) {
      const rel = parts.slice(0, k).join('/');
      const st = stats[k - 1]!;
      if (await inLowers(lowers, rel)) break;
      if (st.isDirectory()) {
        if ((await readdir(join(upper, rel))).some((n) => !out.has(`${rel}/${n}`))) break;
      } else if (!st.isFile() || st.size !== 0) break;
      out.add(rel);
    }
  }
  return out;
}
