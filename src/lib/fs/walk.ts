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
  for (const name of names) {
    const rel = dirRel === '' ? name : `${dirRel}/${name}`;
    const path = join(root, rel);
    const entry: WalkEntry = { rel, path, st: await lstat(path) };
    yield entry;
    if (entry.st.isDirectory() && !skipChildren(entry)) yield* walkTree(root, skipChildren, rel);
  }
}

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
