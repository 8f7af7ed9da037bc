import type { Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface WalkEntry {
  /** Path relative to the walk's root, `/`-separated, no leading slash. */
  rel: string;
  path: string;
  st: Stats;
}

/**
 * Walks a tree depth-first, names in byte order, parents before their children, never following
 * symlinks. The root itself is not yielded. A directory for which `skipChildren` is true is
 * yielded but not entered.
 */
export async function* walkTree(root: string, skipChildren: (e: WalkEntry) => boolean = () => false, dirRel = ''): AsyncGenerator<WalkEntry> {
  const names = (await readdir(dirRel === '' ? root : join(root, dirRel))).sort(byBytes);
  // A directory's entries are lstat'ed LSTAT_BATCH at a time (one thread-pool trip each, so a
  // directory of thousands of files is not a thousand round trips in a row), yielded in order.
  for (let i = 0; i < names.length; i += LSTAT_BATCH) {
    const batch = await Promise.all(
      names.slice(i, i + LSTAT_BATCH).map(async (name): Promise<WalkEntry> => {
        const rel = dirRel === '' ? name : `${dirRel}/${name}`;
        const path = join(root, rel);
        return { rel, path, st: await lstat(path) };
      }),
    );
    for (const entry of batch) {
      yield entry;
      if (entry.st.isDirectory() && !skipChildren(entry)) yield* walkTree(root, skipChildren, entry.rel);
    }
  }
}

const LSTAT_BATCH = 32;

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
