import { lstat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Mount targets the runtime creates in a container's writable layer when the image lacks them
 * (Docker keeps these in a separate "init" layer, so they never show in `diff` or a commit).
 * Only their creation is hidden: a path the image already has is reported like any other.
 */
export const INIT_PATHS = ['.dockerenv', 'dev', 'dev/console', 'dev/pts', 'dev/shm', 'etc/hostname', 'etc/hosts', 'etc/mtab', 'etc/resolv.conf', 'proc', 'sys'];

/** The INIT_PATHS (relative, no leading slash) that none of the lower dirs has: the runtime made them. */
export async function runtimeCreatedPaths(lowers: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const rel of INIT_PATHS) {
    let found = false;
    for (const dir of lowers) {
      if ((await lstat(join(dir, rel)).catch(() => null)) !== null) {
        found = true;
        break;
      }
    }
    if (!found) out.add(rel);
  }
  return out;
}
