import { constants } from 'node:fs';
import { lstat, open, readdir, rmdir, unlink } from 'node:fs/promises';
import { isErrno } from '../errdefs.js';
import { fdPath } from './scoped-path.js';
import { sameFile } from './pinned-tree.js';

/**
 * Removes `name` in the pinned directory `dir` (a `/proc/<pid>/fd/<n>` path) and, for a
 * directory, everything in it — each level opened O_NOFOLLOW relative to the one above, so a
 * subdirectory swapped for a symlink mid-way is unlinked, never followed (fs.rm's recursion
 * walks path strings). Missing: nothing to do. A name that changes kind between the look and
 * the removal fails with the kernel's error (EISDIR, ENOTDIR, ENOTEMPTY) rather than guessing.
 * Resolves with what was there: 'dir', 'other' or null (nothing).
 */
export async function removeAt(dir: string, name: string): Promise<'dir' | 'other' | null> {
  const path = `${dir}/${name}`;
  const st = await lstat(path).catch((err) => {
    if (isErrno(err, 'ENOENT')) return null;
    throw err;
  });
  if (st === null) return null;
  if (!st.isDirectory()) {
    await unlink(path).catch((err) => {
      if (!isErrno(err, 'ENOENT')) throw err;
    });
    return 'other';
  }
  const fh = await open(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  try {
    if (!sameFile(await fh.stat(), st)) throw Object.assign(new Error(`${name}: changed while being removed`), { code: 'ENOTEMPTY' });
    for (const child of await readdir(fdPath(fh))) await removeAt(fdPath(fh), child);
  } finally {
    await fh.close();
  }
  await rmdir(path).catch((err) => {
    if (!isErrno(err, 'ENOENT')) throw err;
  });
  return 'dir';
}
