import { closeSync, constants, fstatSync, lstatSync, openSync, type Stats } from 'node:fs';
import { lstat, open, readdir, type FileHandle } from 'node:fs/promises';
import { isErrno } from '../errdefs.js';
import { sameFile } from './pinned-tree.js';
import { fdPath } from './scoped-path.js';

export interface WalkEntry {
  /** Path relative to the walk's root, `/`-separated, no leading slash. */
  rel: string;
  /**
   * `<pinned parent>/<name>` (`/proc/<pid>/fd/<n>/<name>`): reaches this very entry without
   * following any symlink, valid while its chunk is being handled (walkChunks) or until the
   * next entry is asked for (walkTree). Open it with O_NOFOLLOW and check the inode against `st`.
   */
  path: string;
  st: Stats;
}

interface DirPin {
  fh: FileHandle;
  path: string;
  refs: number;
}

export interface WalkOptions {
  /**
   * The tree was just written (a build step's upper dir): its inodes are in memory, so each lstat
   * is a few microseconds, made synchronously rather than as a thread-pool round trip.
   */
  hot?: boolean;
}

function lstatSyncOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return null;
    throw err;
  }
}

/** Entries per chunk: one getfattr for each (read-xattrs.ts), with their parents held open meanwhile. */
const CHUNK = 1024;
const LSTAT_BATCH = 32;

/**
 * Walks a tree depth-first, names in byte order, parents before their children, never following
 * symlinks, in chunks of up to CHUNK entries. The root itself is not yielded. A directory for
 * which `skipChildren` is true is yielded but not entered.
 *
 * Race-free against whatever else writes the tree (a running container): every directory is
 * opened O_NOFOLLOW relative to its parent's fd and checked to be the inode its lstat saw, and
 * every entry is reached as `<pinned parent>/<name>` — a directory swapped for a symlink to the
 * host mid-walk is never entered (it is listed as what it was, without its children).
 */
export async function* walkChunks(root: string, skipChildren: (e: WalkEntry) => boolean = () => false, opts: WalkOptions = {}): AsyncGenerator<WalkEntry[]> {
  const rootFh = await open(root, constants.O_RDONLY | constants.O_DIRECTORY);
  const top: DirPin = { fh: rootFh, path: fdPath(rootFh), refs: 1 };
  let chunk: Array<{ e: WalkEntry; pin: DirPin }> = [];
  const release = (pin: DirPin): void => {
    if (--pin.refs === 0) void pin.fh.close().catch(() => undefined);
  };

  async function* flush(): AsyncGenerator<WalkEntry[]> {
    const c = chunk;
    chunk = [];
    try {
      yield c.map((x) => x.e);
    } finally {
      for (const x of c) release(x.pin);
    }
  }

  async function* visit(dir: DirPin, dirRel: string): AsyncGenerator<WalkEntry[]> {
    const names = (await readdir(dir.path).catch((err) => (isErrno(err, 'ENOENT') ? [] : Promise.reject(err)))).sort(byBytes);
    // A directory's entries are lstat'ed LSTAT_BATCH at a time (one thread-pool trip each, so a
    // directory of thousands of files is not a thousand round trips in a row), yielded in order.
    for (let i = 0; i < names.length; i += LSTAT_BATCH) {
      const entryOf = (name: string, st: Stats | null): WalkEntry | null =>
        st === null ? null : { rel: dirRel === '' ? name : `${dirRel}/${name}`, path: `${dir.path}/${name}`, st };
      const batch = opts.hot
        ? names.slice(i, i + LSTAT_BATCH).map((name) => entryOf(name, lstatSyncOrNull(`${dir.path}/${name}`)))
        : await Promise.all(
            names.slice(i, i + LSTAT_BATCH).map(async (name): Promise<WalkEntry | null> => {
              const st = await lstat(`${dir.path}/${name}`).catch((err) => (isErrno(err, 'ENOENT') ? null : Promise.reject(err)));
              return entryOf(name, st);
            }),
          );
      for (const e of batch) {
        if (e === null) continue; // removed since the listing
        dir.refs++;
        chunk.push({ e, pin: dir });
        if (chunk.length >= CHUNK) yield* flush();
        if (!e.st.isDirectory() || skipChildren(e)) continue;
        const sub = await openDir(e);
        if (sub === null) continue;
        try {
          yield* visit(sub, e.rel);
        } finally {
          release(sub);
        }
      }
    }
  }

  try {
    yield* visit(top, '');
    if (chunk.length > 0) yield* flush();
  } finally {
    for (const x of chunk.splice(0)) release(x.pin);
    release(top);
  }
}

/** The same walk one entry at a time (`path` valid until the next entry is asked for). */
export async function* walkTree(root: string, skipChildren: (e: WalkEntry) => boolean = () => false): AsyncGenerator<WalkEntry> {
  for await (const chunk of walkChunks(root, skipChildren)) yield* chunk;
}

/** The subdirectory `e`, pinned; null when it is gone or no longer the directory listed. */
async function openDir(e: WalkEntry): Promise<DirPin | null> {
  const fh = await openListed(e, constants.O_RDONLY | constants.O_DIRECTORY);
  return fh === null ? null : { fh, path: fdPath(fh), refs: 1 };
}

/**
 * Opens the entry listed as `e` through its pinned parent with O_NOFOLLOW (plus `flags`) and
 * checks it is the very inode the listing saw; null when it is gone or something else now
 * (swapped for a symlink, another file, a FIFO that would not open without a writer).
 */
export async function openListed(e: WalkEntry, flags: number): Promise<FileHandle | null> {
  let fh: FileHandle;
  try {
    fh = await open(e.path, flags | constants.O_NOFOLLOW);
  } catch (err) {
    if (notListed(err)) return null;
    throw err;
  }
  // fstat of an open fd is a few microseconds: not worth a thread-pool round trip.
  if (!sameFile(fstatSync(fh.fd), e.st)) {
    await fh.close();
    return null;
  }
  return fh;
}

/**
 * openListed made synchronously, for small files of a tree just written (in the page cache: the
 * open, fstat and close are microseconds each, less than a thread-pool round trip). A raw fd.
 */
export function openListedSync(e: WalkEntry, flags: number): number | null {
  let fd: number;
  try {
    fd = openSync(e.path, flags | constants.O_NOFOLLOW);
  } catch (err) {
    if (notListed(err)) return null;
    throw err;
  }
  if (!sameFile(fstatSync(fd), e.st)) {
    closeSync(fd);
    return null;
  }
  return fd;
}

/** Gone, or no longer what was listed (a symlink, a FIFO without a writer). */
const notListed = (err: unknown): boolean => isErrno(err, 'ENOENT') || isErrno(err, 'ELOOP') || isErrno(err, 'ENOTDIR') || isErrno(err, 'ENXIO');

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
