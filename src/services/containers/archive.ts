import { publishContainerEvent } from './events.js';
import { constants, type Stats } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ContainerRecord } from '../../core/containers.js';
import { BerthError, invalidArgument, isErrno, notFound } from '../../lib/errdefs.js';
import { packPath } from '../../lib/archive/pack-path.js';
import { tarWriter } from '../../lib/archive/tar-writer.js';
import { fdPath, lstatScoped, openAt, resolveInRoot, ScopedPathError, type ScopedPath } from '../../lib/fs/scoped-path.js';
import { checkWritableMount, extractInView, mountsUnder, mountTable, type CopyMounts } from './archive-mounts.js';
import type { ContainerDeps } from './deps.js';
import { resolveUser } from './spec/user.js';
import { remapOf } from './remap.js';
import { toHostId } from '../../lib/fs/shift-ids.js';
import type { PackOptions } from '../../lib/archive/pack-dir.js';

/** What `stat` of a container path reports (Docker's ContainerPathStat, before its JSON shape). */
export interface PathStat {
  name: string;
  size: number;
  /** st_mode as lstat gives it. */
  mode: number;
  mtime: Date;
  /** For a symlink: its target fully resolved inside the container, as an absolute path. */
  linkTarget: string;
}

/**
 * `docker cp`: stat, read (a tar) and write (extract a tar) paths of a container's root
 * filesystem with its volumes and binds over it, as Docker mounts them for the copy. A stopped
 * container's rootfs is mounted for the copy and unmounted after; a running one's is already
 * mounted. The container's lock is held throughout, so it cannot start, stop or be removed under
 * a copy. Paths are resolved inside that view through pinned fds (lib/fs/scoped-path.ts): a path
 * on a volume or bind continues in its host directory (the same files a running container sees),
 * and no symlink, in the rootfs or in a volume, leads out of the view.
 *
 * tmpfs mounts have no host path: as in Docker, a copy sees the rootfs under them. `/proc/<pid>/root`
 * would show them for a running container, but also /proc, /sys and /dev, which a copy of `/`
 * must not walk.
 */
/** What cp in and out uses: the record, its lock, its snapshot mount, remapping and the event. */
export type ArchiveDeps = Pick<ContainerDeps, 'store' | 'locks' | 'snapshotter' | 'security' | 'events'>;

async function withRootfs<T>(deps: ArchiveDeps, ref: string, fn: (rec: ContainerRecord, rootfs: string, mounts: CopyMounts) => Promise<T>): Promise<T> {
  const rec = deps.store.get(ref);
  return deps.locks.run(rec.Id, async () => {
    const rootfs = rec.Paths.Rootfs;
    const mounted = await deps.snapshotter.isMounted(rootfs);
    if (!mounted) await deps.snapshotter.mount(rec.Id, rootfs, remapOf(deps, rec));
    try {
      return await fn(rec, rootfs, await mountTable(rec, rootfs));
    } finally {
      if (!mounted) await deps.snapshotter.unmount(rootfs);
    }
  });
}

const absolute = (path: string): string => (path.startsWith('/') ? path : `/${path}`);
const baseName = (path: string): string => {
  if (path === '/' || /\/\.$/.test(path) || path === '.') return path === '/' ? '/' : '.';
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1) || '/';
};

function notFoundIn(rec: ContainerRecord, path: string): BerthError {
  return notFound(`Could not find the file ${path} in container ${rec.Name.replace(/^\//, '')}`);
}

/**
 * The container removed (or swapped) the path while it was being copied: every open is relative
 * to a pinned directory, so the race can only end in ENOENT, ENOTDIR, ELOOP, or (an entry made or
 * replaced under us) EEXIST, ENOTEMPTY, EISDIR — answered as a missing file (404) or a path that
 * changed (400), never as a server error.
 */
function raced(rec: ContainerRecord, path: string): (err: unknown) => never {
  return (err) => {
    const cause = err instanceof BerthError ? err.cause : err;
    if (isErrno(cause, 'ENOENT')) throw notFoundIn(rec, path);
    if (['ENOTDIR', 'ELOOP', 'EEXIST', 'ENOTEMPTY', 'EISDIR'].some((code) => isErrno(cause, code)))
      throw invalidArgument(`${path}: the path changed while copying`);
    throw err;
  };
}

/** Resolves without following the last component (Docker's ResolvePath + lstat). */
async function resolveExisting(
  rec: ContainerRecord,
  view: { rootfs: string; mounts: CopyMounts },
  path: string,
  followFinal: boolean,
): Promise<{ sp: ScopedPath; st: Stats }> {
  let sp: ScopedPath;
  try {
    sp = await resolveInRoot(view.rootfs, path, followFinal, view.mounts.table);
  } catch (err) {
    if (err instanceof ScopedPathError && err.code !== 'ELOOP') throw notFoundIn(rec, path);
    if (err instanceof ScopedPathError) throw invalidArgument(`${path}: ${err.message}`);
    throw err;
  }
  const st = await lstatScoped(sp).catch(() => null);
  if (st === null) {
    await sp.close();
    throw notFoundIn(rec, path);
  }
  return { sp, st };
}

async function statOf(view: { rootfs: string; mounts: CopyMounts }, path: string, sp: ScopedPath, st: Stats): Promise<PathStat> {
  let linkTarget = '';
  if (st.isSymbolicLink()) {
    const full = await resolveInRoot(view.rootfs, path, true, view.mounts.table);
    linkTarget = full.resolved;
    await full.close();
  }
  return { name: baseName(path), size: st.size, mode: st.mode, mtime: st.mtime, linkTarget };
}

export function statContainerPath(deps: ArchiveDeps, ref: string, path: string): Promise<PathStat> {
  return withRootfs(deps, ref, async (rec, rootfs, mounts) => {
    const { sp, st } = await resolveExisting(rec, { rootfs, mounts }, absolute(path), false);
    try {
      return await statOf({ rootfs, mounts }, absolute(path), sp, st);
    } finally {
      await sp.close();
    }
  });
}

/**
 * Streams `path` as a tar into `sink` once `onStat` has seen its stat (the API sends it as a
 * header first). The top entry is named after the path's last element (`.` for `dir/.`).
 */
export function copyFromContainer(deps: ArchiveDeps, ref: string, path: string, onStat: (s: PathStat) => Writable): Promise<void> {
  return withRootfs(deps, ref, async (rec, rootfs, mounts) => {
    const abs = absolute(path);
    const view = { rootfs, mounts };
    const { sp, st } = await resolveExisting(rec, view, abs, false);
    try {
      const stat = await statOf(view, abs, sp, st);
      const sink = onStat(stat);
      const w = tarWriter();
      const remap = remapOf(deps, rec);
      const ids = remap ? { uids: remap.uids, gids: remap.gids } : undefined;
      const filled = packWithMounts(w, view, { sp, st, name: stat.name === '/' ? '.' : stat.name }, ids).then(
        () => w.finish(),
        (err: Error) => {
          w.fail(err);
          raced(rec, abs)(err);
        },
      );
      await Promise.all([pipeline(w.stream, sink), filled]);
      publishContainerEvent(deps.events, rec, 'archive-path');
    } finally {
      await sp.close();
    }
  });
}

/**
 * The tar of one resolved path; where it is a directory with volumes or binds below it, their
 * content takes the place of the rootfs directories they cover (Docker walks the mounted view).
 */
async function packWithMounts(
  w: ReturnType<typeof tarWriter>,
  view: { rootfs: string; mounts: CopyMounts },
  top: { sp: ScopedPath; st: Stats; name: string },
  ids: PackOptions['ids'],
): Promise<void> {
  const under = top.st.isDirectory() ? mountsUnder(view.mounts.table, top.sp.resolved) : [];
  const base = top.sp.resolved === '/' ? '/' : `${top.sp.resolved}/`;
  const coveredBelow = (dir: string) => {
    const prefix = dir === '' ? base : `${base}${dir}/`;
    const inner = new Set(under.filter((d) => d.startsWith(prefix)).map((d) => d.slice(prefix.length)));
    return inner.size === 0 ? undefined : (rel: string) => inner.has(rel);
  };
  await packPath(w, fdPath(top.sp.dir), top.sp.name, top.st, top.name, { ids, exclude: coveredBelow('') });
  for (const dest of under) {
    const rel = dest.slice(base.length);
    const sp = await resolveInRoot(view.rootfs, dest, false, view.mounts.table);
    try {
      const st = await lstatScoped(sp);
      await packPath(w, fdPath(sp.dir), sp.name, st, `${top.name.replace(/\/+$/, '')}/${rel}`, { ids, exclude: coveredBelow(rel) });
    } finally {
      await sp.close();
    }
  }
}

export interface CopyToOptions {
  noOverwriteDirNonDir: boolean;
  /** Keep ownership as the container's user (`cp -a`); otherwise everything is owned by root. */
  copyUIDGID: boolean;
}

/** Extracts the tar `body` into the directory `path` (symlinks on the way resolved inside the rootfs). */
export function copyToContainer(deps: ArchiveDeps, ref: string, path: string, body: Readable, opts: CopyToOptions): Promise<void> {
  return withRootfs(deps, ref, async (rec, rootfs, mounts) => {
    const { sp, st } = await resolveExisting(rec, { rootfs, mounts }, absolute(path), true);
    try {
      // Docker's order: a read-only volume or bind refuses, a writable one takes the copy even on a read-only rootfs.
      checkWritableMount(mounts, sp.mount);
      if (sp.mount === undefined && rec.HostConfig.ReadonlyRootfs) throw new BerthError('Forbidden', 'container rootfs is marked read-only');
      if (!st.isDirectory()) throw invalidArgument('extraction point is not a directory');
      const dir = sp.name === '' ? sp.dir : await openAt(sp.dir, sp.name, constants.O_RDONLY | constants.O_DIRECTORY).catch(raced(rec, path));
      try {
        const user = opts.copyUIDGID ? await resolveUser(rootfs, rec.Config.User) : { uid: 0, gid: 0 };
        // Under userns-remap the container's ids are host ids of its user namespace.
        const remap = remapOf(deps, rec);
        const owner = remap ? { uid: toHostId(user.uid, remap.uids) ?? user.uid, gid: toHostId(user.gid, remap.gids) ?? user.gid } : user;
        await extractInView(
          body,
          { rootfs, mounts },
          { dir, resolved: sp.resolved },
          { whiteouts: 'none', owner: { uid: owner.uid, gid: owner.gid }, noOverwriteDirNonDir: opts.noOverwriteDirNonDir },
        ).catch(raced(rec, path));
        publishContainerEvent(deps.events, rec, 'extract-to-dir');
      } finally {
        if (dir !== sp.dir) await dir.close();
      }
    } finally {
      await sp.close();
    }
  });
}
