import { constants, fchmodSync, fchownSync, futimesSync, writeSync } from 'node:fs';
import { chmod, lchown, link, lutimes, mkdir, open, symlink, type FileHandle } from 'node:fs/promises';
import { invalidArgument, isErrno } from '../errdefs.js';
import { fdPath, O_PATH } from '../fs/scoped-path.js';
import { cleanEntryPath, entryAt, lstatOrNull, markWritten, pinDir, removePath, type At, type Root } from './safe-path.js';
import { makeOpaque, type WhiteoutMode } from './whiteout.js';
import { mknod, setXattr, type Xattrs } from './xattr.js';

/** One tar entry, decoded and with its path already cleaned (see cleanEntryPath). */
export interface Entry {
  name: string; // as in the tar, for messages
  rel: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  atime: number; // seconds, fractional allowed
  mtime: number;
  linkname: string;
  devmajor: number;
  devminor: number;
  xattrs: Xattrs;
}

export const ENTRY_TYPES = ['file', 'contiguous-file', 'directory', 'symlink', 'link', 'character-device', 'block-device', 'fifo'] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

export interface Ctx {
  root: Root;
  whiteouts: WhiteoutMode | 'none';
  /** Overlay mode: paths this layer replaced by a whiteout device (see makeOpaque). */
  whitedOut: Set<string>;
}

/**
 * Writes one non-whiteout entry; resolves with the number of content bytes written. Every call
 * on the entry goes through its pinned parent (safe-path.ts) and none follows its last component.
 */
export async function writeEntry(ctx: Ctx, e: Entry, data: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<number> {
  const { root } = ctx;
  if (e.type === 'directory') {
    await writeDir(ctx, e);
    return 0;
  }
  if (e.rel === '') throw invalidArgument(`archive/tar: invalid path "${e.name}": only a directory can be the root`);
  const at = (await entryAt(root, e.rel, e.name))!;
  // The hard link target is vetted before anything is removed: it may even be this very path.
  const target = e.type === 'link' ? await hardlinkTarget(root, e) : null;
  try {
    if (target !== null && target.rel === e.rel) return 0;
    await removePath(root, e.rel);
    markWritten(root, e.rel);
    switch (e.type) {
      case 'file':
      case 'contiguous-file':
        return await writeFile(at, e, data);
      case 'link':
        // Shares the target's inode, so there is no metadata of its own to apply. link(2) does not follow a symlink target.
        await link(target!.at.path, at.path);
        return 0;
      case 'symlink':
        await symlink(e.linkname, at.path); // the link text is data: it may point anywhere
        break;
      case 'character-device':
        await mknod(at.path, 'c', e.devmajor, e.devminor);
        break;
      case 'block-device':
        await mknod(at.path, 'b', e.devmajor, e.devminor);
        break;
      case 'fifo':
        await mknod(at.path, 'p');
        break;
    }
    // Order matters: chown clears setuid bits and security.capability, so mode and xattrs go after it.
    await lchown(at.path, e.uid, e.gid);
    if (e.type !== 'symlink') await chmodNoFollow(at.path, e.mode);
    await applyXattrs(at.path, e.xattrs);
    await lutimes(at.path, e.atime, e.mtime);
    return 0;
  } finally {
    at.release();
    target?.at.release();
  }
}

/**
 * chmod of what is at `path` itself, never of a symlink's target (Linux has no lchmod): opened
 * O_PATH|O_NOFOLLOW, checked not to be a symlink, then changed through its /proc fd link.
 */
async function chmodNoFollow(path: string, mode: number): Promise<void> {
  const fh = await open(path, O_PATH | constants.O_NOFOLLOW);
  try {
    if ((await fh.stat()).isSymbolicLink()) throw invalidArgument(`${path}: replaced by a symlink while being written`);
    await chmod(fdPath(fh), mode);
  } finally {
    await fh.close();
  }
}

/** A hard link must name an existing non-directory inside the root, reached without symlinks. */
async function hardlinkTarget(root: Root, e: Entry): Promise<{ rel: string; at: At }> {
  const rel = cleanEntryPath(e.linkname); // throws if it climbs out
  const bad = (why: string): Error => invalidArgument(`archive/tar: invalid hard link "${e.name}" -> "${e.linkname}": ${why}`);
  if (rel === '') throw bad('target is the root');
  const at = await entryAt(root, rel, e.linkname, false);
  const st = at === null ? null : await lstatOrNull(at.path);
  if (st === null || st.isDirectory()) {
    at?.release();
    throw bad(st === null ? 'target does not exist' : 'target is a directory');
  }
  // A symlink target is fine: link(2) on Linux links the symlink itself, it does not follow it.
  return { rel, at: at! };
}

/**
 * Streams the content straight to disk. Written with a plain read/write loop because Node's
 * stream.pipeline() does not reliably finish with tar-stream's streamx entry streams (small
 * entries were seen to stall); async iteration is the interface streamx supports fully.
 */
const WRITE_BATCH = 1 << 20;

/**
 * A regular file whose content is already in memory (small files, written several at a time by
 * extract.ts). The caller has made the parents and guarantees that nothing else of this
 * extraction touches this path, its ancestors' entries or anything under it until this settles.
 * Only the create and the close go through the thread pool (on ext4 the create is the costly
 * call, and several run at once); the write of a small buffer is a few microseconds in the
 * kernel, far less than a thread-pool round trip, so it is made synchronously.
 */
export async function writeFileContent(ctx: Ctx, e: Entry, content: Buffer): Promise<void> {
  const at = (await entryAt(ctx.root, e.rel, e.name))!;
  try {
    markWritten(ctx.root, e.rel);
    // Most paths are new: create first, and clear the path only when something is there (one
    // lstat less per file; the O_EXCL create is what guards against what appears meanwhile).
    const fh = await createExclusive(at.path).catch(async (err: unknown) => {
      if (!isErrno(err, 'EEXIST')) throw err;
      await removePath(ctx.root, e.rel);
      markWritten(ctx.root, e.rel);
      return createExclusive(at.path);
    });
    try {
      for (let off = 0; off < content.length;) off += writeSync(fh.fd, content, off);
      await applyFileMeta(fh, at.path, e);
    } finally {
      await fh.close();
    }
  } finally {
    at.release();
  }
}

const EXCLUSIVE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

// O_EXCL|O_NOFOLLOW: the path was just cleared, so anything there now is not ours to follow.
const createExclusive = (path: string): Promise<FileHandle> => open(path, EXCLUSIVE, 0o600);

/**
 * Owner, mode, xattrs and times of a file just written. fchown, fchmod and futimes on an open fd
 * are a few microseconds each: made synchronously, not as three thread-pool round trips per file.
 */
async function applyFileMeta(fh: FileHandle, path: string, e: Entry): Promise<void> {
  // Writing and chown both clear security.capability (and chown clears setuid): set them last.
  fchownSync(fh.fd, e.uid, e.gid);
  fchmodSync(fh.fd, e.mode);
  if (e.xattrs.size > 0) await applyXattrs(path, e.xattrs);
  futimesSync(fh.fd, e.atime, e.mtime);
}

async function writeFile(at: At, e: Entry, data: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<number> {
  const fh = await createExclusive(at.path);
  let bytes = 0;
  try {
    // Chunks arrive small (16-64 KiB): gather ~1 MiB per write, one thread-pool trip instead of dozens.
    let batch: Buffer[] = [];
    let pending = 0;
    const flush = async (): Promise<void> => {
      const buf = batch.length === 1 ? batch[0]! : Buffer.concat(batch, pending);
      for (let off = 0; off < buf.length;) off += (await fh.write(buf, off)).bytesWritten;
      batch = [];
      pending = 0;
    };
    for await (const chunk of data) {
      batch.push(chunk);
      pending += chunk.length;
      bytes += chunk.length;
      if (pending >= WRITE_BATCH) await flush();
    }
    if (pending > 0) await flush();
    await applyFileMeta(fh, at.path, e);
  } finally {
    await fh.close();
  }
  return bytes;
}

async function writeDir(ctx: Ctx, e: Entry): Promise<void> {
  const { root } = ctx;
  if (e.rel !== '') {
    const at = (await entryAt(root, e.rel, e.name))!;
    try {
      const st = await lstatOrNull(at.path);
      if (st === null || !st.isDirectory()) {
        await removePath(root, e.rel);
        await mkdir(at.path, 0o700);
      }
    } finally {
      at.release();
    }
    markWritten(root, e.rel);
  }
  // The directory itself, pinned: owner, mode and xattrs are set on it, whatever is renamed meanwhile.
  const dir = (await pinDir(root, e.rel, e.name, false))!;
  try {
    if (e.rel !== '' && ctx.whiteouts === 'overlay' && ctx.whitedOut.has(e.rel)) await makeOpaque(dir);
    await dir.fh.chown(e.uid, e.gid);
    await dir.fh.chmod(e.mode);
    await applyXattrs(`${dir.path}/.`, e.xattrs);
  } finally {
    root.tree.release(dir);
  }
  root.dirTimes.set(e.rel, { atime: e.atime, mtime: e.mtime });
}

/**
 * trusted.overlay.* xattrs from a tar are dropped: they are overlayfs's own metadata (opaque,
 * redirect, metacopy), which a layer could otherwise use to steer the mount. Whiteouts are
 * expressed with .wh. entries instead. `path` is a pinned parent + name (setfattr -h: not followed).
 */
async function applyXattrs(path: string, xattrs: Xattrs): Promise<void> {
  for (const [name, value] of xattrs) {
    if (name.startsWith('trusted.overlay.')) continue;
    await setXattr(path, name, value);
  }
}

/** Sets directory times deepest first, once all their children are in place, each on its pinned fd. */
export async function applyDirTimes(root: Root): Promise<void> {
  const depth = (rel: string): number => (rel === '' ? -1 : rel.split('/').length);
  const dirs = [...root.dirTimes.keys()].sort((a, b) => depth(b) - depth(a));
  for (const rel of dirs) {
    const t = root.dirTimes.get(rel)!;
    // Gone (or swapped for a symlink) since it was written: the container's doing, nothing to time.
    const dir = await root.tree.dir(rel, false).catch(() => null);
    if (dir === null) continue;
    try {
      await dir.fh.utimes(t.atime, t.mtime);
    } finally {
      root.tree.release(dir);
    }
  }
}
