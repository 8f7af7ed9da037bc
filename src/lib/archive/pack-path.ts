import { constants, type Stats } from 'node:fs';
import { open, readlink } from 'node:fs/promises';
import { invalidArgument } from '../errdefs.js';
import { packDir, type PackOptions } from './pack-dir.js';
import { sameFile } from '../fs/pinned-tree.js';
import { toContainerId } from '../fs/shift-ids.js';
import { appendTar } from './rebase.js';
import type { TarWriter } from './tar-writer.js';

/**
 * Adds one path to an archive under the name `name` — a directory with everything in it
 * (`name/`, `name/…`), a regular file, or a symlink as a link — as `docker cp` sends it.
 * `dir` + `entry` locate it ('' entry: `dir` itself); `dir` may be a pinned fd path
 * (`/proc/<pid>/fd/<n>`). `st` is its lstat, taken by the caller: a regular file is opened with
 * O_NOFOLLOW and must still be that inode, so a swap for a symlink in between is refused.
 * `opts.ids`: the tree is owned by a user namespace's host ids; entries carry the container's.
 * `opts.exclude`: paths under a directory (relative to it) left out, with what is below them.
 */
export async function packPath(
  w: TarWriter,
  dir: string,
  entry: string,
  st: Stats,
  name: string,
  opts: Pick<PackOptions, 'ids' | 'exclude'> = {},
): Promise<void> {
  const ids = opts.ids;
  const path = entry === '' ? dir : `${dir}/${entry}`;
  const uid = ids ? (toContainerId(st.uid, ids.uids) ?? st.uid) : st.uid;
  const gid = ids ? (toContainerId(st.gid, ids.gids) ?? st.gid) : st.gid;
  const header = { mode: st.mode & 0o7777, uid, gid, mtime: st.mtime };
  if (st.isDirectory()) {
    // '' entry: `dir` is the directory itself (possibly a /proc fd link, which must be followed).
    const fh = await open(path, constants.O_RDONLY | constants.O_DIRECTORY | (entry === '' ? 0 : constants.O_NOFOLLOW));
    try {
      if (!sameFile(await fh.stat(), st)) throw invalidArgument(`${name}: changed while being copied`);
      await w.addDir(name, header);
      const { stream, done } = packDir(`/proc/${process.pid}/fd/${fh.fd}`, opts);
      const prefix = name === '.' ? './' : `${name.replace(/\/+$/, '')}/`;
      await Promise.all([appendTar(w, stream, (n) => `${prefix}${n}`), done]);
    } finally {
      await fh.close();
    }
    return;
  }
  if (st.isSymbolicLink()) {
    const linkname = await readlink(path);
    await w.addEntry({ ...header, name, type: 'symlink', linkname });
    return;
  }
  if (!st.isFile()) throw invalidArgument(`${name}: only regular files, directories and symlinks can be copied`);
  const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const now = await fh.stat();
    if (!sameFile(now, st)) throw invalidArgument(`${name}: changed while being copied`);
    const source: AsyncIterable<Buffer> = st.size === 0 ? (async function* () {})() : fh.createReadStream({ start: 0, end: st.size - 1, autoClose: false });
    await w.addStream(name, st.size, source, header);
  } finally {
    await fh.close();
  }
}
