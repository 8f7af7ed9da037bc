import { closeSync, constants, readSync, type Stats } from 'node:fs';
import { readlink, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Headers } from 'tar-stream';
import { isOverlayWhiteout } from '../fs/overlay-whiteout.js';
import { toContainerId, type IdRange } from '../fs/shift-ids.js';
import { readXattrs, type TreeXattrs } from '../fs/read-xattrs.js';
import { openListed, openListedSync, walkChunks, type WalkEntry } from '../fs/walk.js';
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
  /**
   * Content the caller knows a regular file holds, by relative path: what it wrote there itself
   * (setting no xattrs) and nothing changed since. Taken instead of reading the file when the
   * sizes agree; the file's xattrs are then read only when its directory has any (a default ACL,
   * a security label: what the kernel may have given it at its creation).
   */
  known?: ReadonlyMap<string, Buffer>;
  /** The tree was just written: lstat it synchronously (lib/fs/walk.ts WalkOptions.hot). */
  hot?: boolean;
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
 * Whatever that container renames meanwhile, nothing outside `dir` is read: the walk pins every
 * directory (lib/fs/walk.ts), each file is opened O_NOFOLLOW through its pinned parent and must
 * be the inode listed, a symlink is archived as a symlink; an entry that changed is left out.
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
  const overlay = opts.whiteouts === 'overlay';
  const links = new Map<string, string>();
  const skip = (e: WalkEntry): boolean => opts.exclude?.(e.rel) === true;
  // Each chunk's entries stay reachable through their pinned parents until the next chunk.
  const knownOf = (e: WalkEntry): Buffer | undefined => {
    const buf = e.st.isFile() ? opts.known?.get(e.rel) : undefined;
    return buf?.length === e.st.size ? buf : undefined;
  };
  const dirsWithXattrs = new Set<string>();
  for await (const chunk of walkChunks(dir, skip, { hot: opts.hot })) {
    const wanted = chunk.filter((e) => !skip(e) && !e.st.isSocket());
    const knownIn = new Map<WalkEntry, Buffer>();
    for (const e of opts.known === undefined ? [] : wanted) {
      const buf = knownOf(e);
      if (buf !== undefined) knownIn.set(e, buf);
    }
    const knownOfChunk = (e: WalkEntry): Buffer | undefined => knownIn.get(e);
    // The chunk's xattrs are read (one getfattr) while its first small files are.
    const reading = chunkXattrs(wanted, knownOfChunk, dirsWithXattrs);
    reading.catch(() => undefined); // awaited just below
    for await (const { e, content } of readAhead(wanted, knownOfChunk)) {
      const attrs = (await reading).get(e.path);
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
        // No longer a symlink (EINVAL) or gone: changed since the listing, left out.
        const linkname = await readlink(e.path).catch(() => null);
        if (linkname !== null) await tw.addBuffer(e.rel, '', { ...header, type: 'symlink', linkname });
      } else if (e.st.isFile()) {
        const key = `${e.st.dev}:${e.st.ino}`;
        const first = e.st.nlink > 1 ? links.get(key) : undefined;
        if (first !== undefined) {
          await tw.addBuffer(e.rel, '', { ...header, type: 'link', linkname: first });
          continue;
        }
        if (content !== undefined) {
          const buf = await content; // a known file of any size, or a small one read ahead
          if (buf === null) continue;
          await tw.addBuffer(e.rel, buf, header);
        } else {
          const fh = await openListed(e, FILE_FLAGS);
          if (fh === null) continue;
          try {
            await tw.addStream(e.rel, e.st.size, exactBytes(fh, e.st.size), header);
          } finally {
            await fh.close();
          }
        }
        if (e.st.nlink > 1) links.set(key, e.rel);
      } else if (e.st.isCharacterDevice() || e.st.isBlockDevice()) {
        const type = e.st.isCharacterDevice() ? 'character-device' : 'block-device';
        await tw.addBuffer(e.rel, '', { ...header, type, devmajor: major(e.st.rdev), devminor: minor(e.st.rdev) });
      } else if (e.st.isFIFO()) {
        await tw.addBuffer(e.rel, '', { ...header, type: 'fifo' });
      }
    }
  }
  return stats;
}

/** Small files are read this many entries ahead of the tar. */
const READ_AHEAD = 32;
const SMALL_FILE = 64 << 10;
/** The longest run of synchronous small-file reads before the event loop gets a turn. */
const BUSY_MS = 5;

/**
 * A chunk's entries with the content of small regular files read up to READ_AHEAD entries ahead
 * of the tar. null content: the file changed since the listing. Small files are read with
 * synchronous calls (readListed), the event loop let in every BUSY_MS.
 */
async function* readAhead(
  entries: readonly WalkEntry[],
  knownOf: (e: WalkEntry) => Buffer | undefined,
): AsyncGenerator<{ e: WalkEntry; content?: Promise<Buffer | null> }> {
  const window: Array<{ e: WalkEntry; content?: Promise<Buffer | null> }> = [];
  let since = performance.now();
  for (const e of entries) {
    let content: Promise<Buffer | null> | undefined;
    const known = knownOf(e);
    if (known !== undefined) {
      content = Promise.resolve(known);
    } else if (e.st.isFile() && e.st.size <= SMALL_FILE) {
      try {
        content = Promise.resolve(readListed(e));
      } catch (err) {
        content = Promise.reject(err as Error);
        content.catch(() => undefined); // awaited (and its error reported) when its turn comes
      }
      if (performance.now() - since >= BUSY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        since = performance.now();
      }
    }
    window.push({ e, content });
    if (window.length >= READ_AHEAD) yield window.shift()!;
  }
  while (window.length > 0) yield window.shift()!;
}

/**
 * The xattrs of a chunk's entries, but for files of known content (see PackOptions.known): those
 * are read only when their directory has any (`dirsWithXattrs`, filled here as directories are
 * seen: parents come before their children), and at the top level, whose directory is not listed.
 */
async function chunkXattrs(entries: readonly WalkEntry[], knownOf: (e: WalkEntry) => Buffer | undefined, dirsWithXattrs: Set<string>): Promise<TreeXattrs> {
  const parentOf = (rel: string): string | undefined => (rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : undefined);
  const known = entries.filter((e) => knownOf(e) !== undefined);
  const attrs = await readXattrs(entries.filter((e) => knownOf(e) === undefined).map((e) => e.path));
  for (const e of entries) if (e.st.isDirectory() && (attrs.get(e.path)?.size ?? 0) > 0) dirsWithXattrs.add(e.rel);
  const more = known.filter((e) => {
    const parent = parentOf(e.rel);
    return parent === undefined || dirsWithXattrs.has(parent);
  });
  for (const [path, a] of await readXattrs(more.map((e) => e.path))) attrs.set(path, a);
  return attrs;
}

// O_NONBLOCK: a FIFO swapped in for a listed file must not hang the pack.
const FILE_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/**
 * A small file's content, read synchronously: open, fstat, read and close of a file in the page
 * cache are microseconds each, less than one thread-pool round trip (four of them per file).
 * Exactly its listed size, as exactBytes: a file that shrank meanwhile is padded with zeros.
 */
function readListed(e: WalkEntry): Buffer | null {
  const fd = openListedSync(e, FILE_FLAGS);
  if (fd === null) return null;
  try {
    const buf = Buffer.alloc(e.st.size);
    for (let off = 0; off < buf.length;) {
      const n = readSync(fd, buf, off, buf.length - off, null);
      if (n === 0) break;
      off += n;
    }
    return buf;
  } finally {
    closeSync(fd);
  }
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
 * Exactly `size` bytes of an open file: one that shrank while being read is padded with zeros,
 * one that grew is cut, so the entry keeps the size its header promised.
 */
async function* exactBytes(fh: FileHandle, size: number): AsyncGenerator<Buffer> {
  let left = size;
  while (left > 0) {
    const buf = Buffer.alloc(Math.min(left, 1 << 20));
    const { bytesRead } = await fh.read(buf, 0, buf.length);
    const chunk = bytesRead === 0 ? buf : buf.subarray(0, bytesRead);
    left -= chunk.length;
    yield chunk;
  }
}

/** Linux's dev_t encoding (glibc's gnu_dev_major/minor). */
export function major(rdev: number): number {
  return Number(((BigInt(rdev) >> 8n) & 0xfffn) | ((BigInt(rdev) >> 32n) & ~0xfffn));
}

export function minor(rdev: number): number {
  return Number((BigInt(rdev) & 0xffn) | ((BigInt(rdev) >> 12n) & ~0xffn));
}
