import { constants, type Stats } from 'node:fs';
import { open, readlink } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Headers } from 'tar-stream';
import { isOverlayWhiteout } from '../fs/overlay-whiteout.js';
import { toContainerId, type IdRange } from '../fs/shift-ids.js';
import { readTreeXattrs } from '../fs/read-xattrs.js';
import { walkTree, type WalkEntry } from '../fs/walk.js';
import { tarWriter, type TarWriter } from './tar-writer.js';
import { WHITEOUT_OPAQUE, WHITEOUT_PREFIX } from './whiteout.js';

export interface PackOptions {
  /**
   * 'overlay': `dir` is an overlayfs upper (or layer) dir: 0/0 character devices become OCI
   * `.wh.NAME` entries and `trusted.overlay.opaque=y` directories get a `.wh..wh..opq` entry.
   * 'none' (default): everything is packed as it is (a merged root filesystem).
   */
  whiteouts?: 'overlay' | 'none';
  /** Relative paths left out, with everything below them. */
  exclude?: (rel: string) => boolean;
  /**
   * The tree is owned by a user namespace's host ids (userns-remap): entries carry the container
   * ids they stand for, as the image would have them. Unmapped ids are written as they are.
   */
  ids?: { uids: readonly IdRange[]; gids: readonly IdRange[] };
}

export interface PackStats {
  /** Values that are not valid UTF-8 (binary file capabilities) cannot be written by tar-stream's PAX encoder. */
  skippedXattrs: number;
  /** trusted.overlay.* attributes other than `opaque` (origin, impure, redirect, …), left out of the tar. */
  overlayXattrs: number;
}

const XATTR_PAX = 'SCHILY.xattr.';

/**
 * Writes the tree under `dir` as a tar stream (layer format: relative names, directories end in
 * `/`, parents before children, hard links as link entries to the first path seen), reading the
 * tree while the consumer reads the stream. Sockets are skipped, as Docker does. A file that
 * shrinks while it is read is padded with zeros, one that grows is cut at the size first seen:
 * the tar stays well-formed even for a container that keeps running (`commit --pause=false`).
 */
export function packDir(dir: string, opts: PackOptions = {}): { stream: Readable; done: Promise<PackStats> } {
  const tw = tarWriter();
  const done = fill(tw, dir, opts).then(
    (stats) => {
      tw.finish();
      return stats;
    },
    (err: Error) => {
      tw.fail(err);
      throw err;
    },
  );
  done.catch(() => undefined); // the stream carries the error to its reader too
  return { stream: tw.stream, done };
}

async function fill(tw: TarWriter, dir: string, opts: PackOptions): Promise<PackStats> {
  const stats: PackStats = { skippedXattrs: 0, overlayXattrs: 0 };
  const xattrs = await readTreeXattrs(dir);
  const overlay = opts.whiteouts === 'overlay';
  const links = new Map<string, string>();
  const skip = (e: WalkEntry): boolean => opts.exclude?.(e.rel) === true;
  for await (const { e, content } of readAhead(walkTree(dir, skip), (e) => !skip(e) && !e.st.isSocket())) {
    if (skip(e) || e.st.isSocket()) continue;
    const attrs = xattrs.get(e.path);
    if (overlay && isOverlayWhiteout(e.st, attrs)) {
      const slash = e.rel.lastIndexOf('/');
      await tw.addBuffer(`${e.rel.slice(0, slash + 1)}${WHITEOUT_PREFIX}${e.rel.slice(slash + 1)}`, '', { ...baseHeader(e.st, opts.ids), mode: 0 });
      continue;
    }
    const header: Partial<Headers> = { ...baseHeader(e.st, opts.ids), ...paxOf(attrs, stats) };
    if (e.st.isDirectory()) {
      await tw.addDir(e.rel, header);
      if (overlay && attrs?.get('trusted.overlay.opaque')?.toString() === 'y') {
        await tw.addBuffer(`${e.rel}/${WHITEOUT_OPAQUE}`, '', { ...baseHeader(e.st, opts.ids), mode: 0 });
      }
    } else if (e.st.isSymbolicLink()) {
      await tw.addBuffer(e.rel, '', { ...header, type: 'symlink', linkname: await readlink(e.path) });
    } else if (e.st.isFile()) {
      const key = `${e.st.dev}:${e.st.ino}`;
      const first = e.st.nlink > 1 ? links.get(key) : undefined;
      if (first !== undefined) {
        await tw.addBuffer(e.rel, '', { ...header, type: 'link', linkname: first });
        continue;
      }
      if (e.st.nlink > 1) links.set(key, e.rel);
      if (content !== undefined) await tw.addBuffer(e.rel, await content, header);
      else await tw.addStream(e.rel, e.st.size, exactBytes(e.path, e.st.size), header);
    } else if (e.st.isCharacterDevice() || e.st.isBlockDevice()) {
      const type = e.st.isCharacterDevice() ? 'character-device' : 'block-device';
      await tw.addBuffer(e.rel, '', { ...header, type, devmajor: major(e.st.rdev), devminor: minor(e.st.rdev) });
    } else if (e.st.isFIFO()) {
      await tw.addBuffer(e.rel, '', { ...header, type: 'fifo' });
    }
  }
  return stats;
}

/** Small files are read this many entries ahead of the tar, several at a time. */
const READ_AHEAD = 32;
const SMALL_FILE = 64 << 10;

/**
 * The walk with the content of small regular files already being read, up to READ_AHEAD entries
 * ahead (a tree of thousands of small files is otherwise one open, read and close after another).
 */
async function* readAhead(entries: AsyncIterable<WalkEntry>, wanted: (e: WalkEntry) => boolean): AsyncGenerator<{ e: WalkEntry; content?: Promise<Buffer> }> {
  const window: Array<{ e: WalkEntry; content?: Promise<Buffer> }> = [];
  for await (const e of entries) {
    let content: Promise<Buffer> | undefined;
    if (e.st.isFile() && e.st.size <= SMALL_FILE && wanted(e)) {
      content = readExact(e.path, e.st.size);
      content.catch(() => undefined); // awaited (and its error reported) when its turn comes
    }
    window.push({ e, content });
    if (window.length >= READ_AHEAD) yield window.shift()!;
  }
  yield* window;
}

async function readExact(path: string, size: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of exactBytes(path, size)) chunks.push(c);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

function baseHeader(st: Stats, ids: PackOptions['ids']): Partial<Headers> {
  const uid = ids ? (toContainerId(st.uid, ids.uids) ?? st.uid) : st.uid;
  const gid = ids ? (toContainerId(st.gid, ids.gids) ?? st.gid) : st.gid;
  return { mode: st.mode & 0o7777, uid, gid, mtime: st.mtime, uname: '', gname: '' };
}

/** xattrs as PAX records; overlayfs's own trusted.overlay.* metadata never goes into a layer. */
function paxOf(attrs: Map<string, Buffer> | undefined, stats: PackStats): { pax?: Record<string, string> } {
  if (attrs === undefined) return {};
  const pax: Record<string, string> = {};
  for (const [name, value] of attrs) {
    if (name.startsWith('trusted.overlay.')) {
      if (name !== 'trusted.overlay.opaque') stats.overlayXattrs++;
      continue;
    }
    const text = value.toString('utf8');
    if (!Buffer.from(text, 'utf8').equals(value)) {
      stats.skippedXattrs++;
      continue;
    }
    pax[XATTR_PAX + name] = text;
  }
  return Object.keys(pax).length > 0 ? { pax } : {};
}

/**
 * Exactly `size` bytes of a file: one that shrank while being read is padded with zeros, one
 * that grew is cut, so the entry keeps the size its header promised.
 */
async function* exactBytes(path: string, size: number): AsyncGenerator<Buffer> {
  // O_NOFOLLOW: a file swapped for a symlink since the walk's lstat is not followed out of the tree.
  const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    let left = size;
    while (left > 0) {
      const buf = Buffer.alloc(Math.min(left, 1 << 20));
      const { bytesRead } = await fh.read(buf, 0, buf.length);
      const chunk = bytesRead === 0 ? buf : buf.subarray(0, bytesRead);
      left -= chunk.length;
      yield chunk;
    }
  } finally {
    await fh.close();
  }
}

/** Linux's dev_t encoding (glibc's gnu_dev_major/minor). */
export function major(rdev: number): number {
  return Number(((BigInt(rdev) >> 8n) & 0xfffn) | ((BigInt(rdev) >> 32n) & ~0xfffn));
}

export function minor(rdev: number): number {
  return Number((BigInt(rdev) & 0xffn) | ((BigInt(rdev) >> 12n) & ~0xffn));
}
