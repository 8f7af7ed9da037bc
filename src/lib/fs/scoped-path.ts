import { constants, type Stats } from 'node:fs';
import { lstat, open, readlink, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { isErrno } from '../errdefs.js';

/**
 * A path inside a root directory (a container's rootfs), resolved the way the kernel would
 * inside a chroot at that root — `..` never climbs above it, absolute symlink targets start at
 * it — but one component at a time through open directory fds: each directory on the way is
 * opened with O_NOFOLLOW relative to the fd of its parent (`/proc/<pid>/fd/<n>/<name>`, Node's
 * stand-in for openat). Once opened, a directory stays the one we checked, whatever the
 * container renames or swaps for a symlink afterwards.
 */
export interface ScopedPath {
  /** The directory holding the final component, pinned by fd. */
  dir: FileHandle;
  /** The final component; '' when the path is that directory itself. */
  name: string;
  /** Where to reach it from this process: `/proc/<pid>/fd/<n>/<name>`. */
  hostPath: string;
  /** The path inside the root after symlinks were resolved: absolute, clean. */
  resolved: string;
  /** The destination of the innermost mount (of `mounts`) the final component lives in; undefined: the root's own tree. */
  mount?: string;
  close(): Promise<void>;
}

/**
 * Mounts over the root as the process inside sees them: destination (absolute, clean, symlinks
 * resolved) → the host path mounted there (a directory, or a file for a file bind).
 */
export type MountTable = ReadonlyMap<string, string>;

const MAX_LINKS = 40;

/** Linux's O_PATH (Node does not name it; libuv passes open flags through): a handle for fstat and /proc links, never for I/O. */
export const O_PATH = 0o10000000;

export const fdPath = (fh: FileHandle): string => `/proc/${process.pid}/fd/${fh.fd}`;

/** openat(dir, name, flags | O_NOFOLLOW); '' reopens `dir` itself (its /proc link must be followed). */
export function openAt(dir: FileHandle, name: string, flags: number): Promise<FileHandle> {
  return name === '' ? open(fdPath(dir), flags) : open(`${fdPath(dir)}/${name}`, flags | constants.O_NOFOLLOW);
}

/** lstat of the resolved path; for the directory itself, fstat (its /proc path is a link). */
export function lstatScoped(sp: ScopedPath): Promise<Stats> {
  return sp.name === '' ? sp.dir.stat() : lstat(sp.hostPath);
}

export class ScopedPathError extends Error {
  constructor(
    readonly code: 'ENOENT' | 'ENOTDIR' | 'ELOOP',
    readonly path: string,
  ) {
    super(`${path}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'ENOTDIR' ? 'not a directory' : 'too many levels of symbolic links'}`);
  }
}

/**
 * Resolves `path` under `root`. Every component but the last must exist; the last may be
 * missing (the caller decides whether that is an error). The last is followed when it is a
 * symlink only if `followFinal` is set or the path ends in `/` or `/.` (as the kernel does).
 *
 * `mounts`: where the walk reaches a mount's destination it continues in the mounted host
 * directory instead of the root's own (hidden) one, as the kernel crosses a mount point — so a
 * nested mount wins over its parent, `..` from a mount's top climbs back into the root's tree,
 * and a symlink inside a volume resolves inside the root's view like any other: never out of it.
 */
export async function resolveInRoot(root: string, path: string, followFinal: boolean, mounts: MountTable = new Map()): Promise<ScopedPath> {
  const rootFh = await open(root, constants.O_RDONLY | constants.O_DIRECTORY);
  const stack: Array<{ fh: FileHandle; name: string; mount?: string }> = [{ fh: rootFh, name: '' }];
  const extra: FileHandle[] = [];
  const close = async (): Promise<void> => {
    for (const s of [...stack.splice(0), ...extra.splice(0).map((fh) => ({ fh }))]) await s.fh.close().catch(() => undefined);
  };
  const resolvedOf = (name: string): string => `/${[...stack.slice(1).map((s) => s.name), name].filter(Boolean).join('/')}`;
  const queue = path.split('/');
  let links = 0;
  try {
    while (queue.length > 0) {
      const c = queue.shift()!;
      if (c === '' || c === '.') continue;
      const top = stack[stack.length - 1]!;
      if (c === '..') {
        if (stack.length > 1) await stack.pop()!.fh.close();
        continue;
      }
      const last = queue.length === 0;
      const source = mounts.get(resolvedOf(c));
      if (source !== undefined) {
        const mst = await stat(source).catch((err) => {
          throw isErrno(err, 'ENOENT') ? new ScopedPathError('ENOENT', resolvedOf(c)) : err;
        });
        if (mst.isDirectory()) {
          stack.push({ fh: await open(source, constants.O_RDONLY | constants.O_DIRECTORY), name: c, mount: resolvedOf(c) });
          if (last) return done(stack[stack.length - 1]!.fh, '');
          continue;
        }
        if (!last) throw new ScopedPathError('ENOTDIR', resolvedOf(c));
        // A file bind: reached through the host directory holding its source.
        const parent = await open(dirname(source), constants.O_RDONLY | constants.O_DIRECTORY);
        extra.push(parent);
        return { ...done(parent, basename(source)), resolved: resolvedOf(c), mount: resolvedOf(c) };
      }
      const st = await lstat(`${fdPath(top.fh)}/${c}`).catch((err) => {
        if (isErrno(err, 'ENOENT')) return null;
        throw err;
      });
      if (st === null) {
        if (last) return done(top.fh, c);
        throw new ScopedPathError('ENOENT', resolvedOf(c));
      }
      if (st.isSymbolicLink() && (!last || followFinal)) {
        if (++links > MAX_LINKS) throw new ScopedPathError('ELOOP', path);
        // The container may replace the link between the lstat and here: gone is gone.
        const target = await readlink(`${fdPath(top.fh)}/${c}`).catch((err) => {
          throw isErrno(err, 'ENOENT') || isErrno(err, 'EINVAL') ? new ScopedPathError('ENOENT', resolvedOf(c)) : err;
        });
        if (target.startsWith('/')) while (stack.length > 1) await stack.pop()!.fh.close();
        queue.unshift(...target.split('/'));
        continue;
      }
      if (last) return done(top.fh, c);
      if (!st.isDirectory()) throw new ScopedPathError('ENOTDIR', resolvedOf(c));
      // O_NOFOLLOW: if the container swapped it for a symlink since the lstat, this fails (ELOOP).
      const fh = await openAt(top.fh, c, constants.O_RDONLY | constants.O_DIRECTORY).catch((err) => {
        if (isErrno(err, 'ENOENT')) throw new ScopedPathError('ENOENT', resolvedOf(c));
        throw isErrno(err, 'ELOOP') || isErrno(err, 'ENOTDIR') ? new ScopedPathError('ELOOP', resolvedOf(c)) : err;
      });
      stack.push({ fh, name: c, mount: top.mount });
    }
    return done(stack[stack.length - 1]!.fh, '');
  } catch (err) {
    await close();
    throw err;
  }

  function done(dir: FileHandle, name: string): ScopedPath {
    const mount = stack[stack.length - 1]!.mount;
    return { dir, name, hostPath: name === '' ? fdPath(dir) : `${fdPath(dir)}/${name}`, resolved: resolvedOf(name), mount, close };
  }
}
