import { constants } from 'node:fs';
import { chown, readdir, stat, type FileHandle } from 'node:fs/promises';
import type { ContainerRecord } from '../../../core/containers.js';
import { invalidArgument, isErrno } from '../../../lib/errdefs.js';
import type { VolumeDriver } from '../../../core/volumes.js';
import { extractLayer } from '../../../lib/archive/extract.js';
import { packPath } from '../../../lib/archive/pack-path.js';
import { tarWriter } from '../../../lib/archive/tar-writer.js';
import { fdPath, openAt, resolveInRoot, ScopedPathError } from '../../../lib/fs/scoped-path.js';
import { mkdirp } from '../../../lib/atomic-file.js';
import { hostSource } from './host-paths.js';
import { pinSubpath } from './subpath.js';

/**
 * Readies a container's mounts before its spec is built (the rootfs is mounted): volumes with
 * device options are mounted, missing `-v` bind sources are created as directories (Docker's
 * behaviour; `--mount` binds must exist unless CreateMountpoint), a volume's subpath is pinned
 * under the bundle (see subpath.ts), and an empty volume receives a copy of what the image
 * has at the mount point (Docker's copy-up; `nocopy` and `--volumes-from` skip it). Under
 * userns-remap (`remappedRoot`), a volume whose top directory the host's root owns is given to
 * the container's root, as Docker's remapped volumes are.
 */
export async function prepareMounts(driver: VolumeDriver, rec: ContainerRecord, remappedRoot?: { uid: number; gid: number }): Promise<void> {
  for (const [i, mp] of (rec.MountPoints ?? []).entries()) {
    if (mp.Type === 'volume' && mp.Name) {
      if (driver.get(mp.Name) === undefined) throw invalidArgument(`get ${mp.Name}: no such volume`);
      const data = await driver.mount(mp.Name);
      if (mp.CopyData) await copyUp(rec.Paths.Rootfs, mp.Destination, data);
      // userns-remap: a volume still owned by the host's root belongs to the container's root.
      if (remappedRoot) await ownIfRoot(data, remappedRoot);
      if (mp.Subpath) await pinSubpath(data, mp.Subpath, hostSource(rec, mp, i));
    } else if (mp.Type === 'bind') {
      await ensureBindSource(mp.Source, mp.CreateSource === true);
    }
  }
}

async function ensureBindSource(source: string, create: boolean): Promise<void> {
  try {
    await stat(source);
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
    if (!create) throw invalidArgument(`invalid mount config for type "bind": bind source path does not exist: ${source}`);
    await mkdirp(source, 0o755);
  }
}

/**
 * Copies the image's directory at `dest` (resolved inside the rootfs) into an empty volume,
 * keeping owners, modes and xattrs. Both sides may be raced — the rootfs by the container,
 * the volume by any other container sharing it — so this is a pack of the pinned source
 * (lib/archive/pack-path.ts) streamed into a pinned extraction (lib/archive/extract.ts), never
 * a copy by path names (`cp -a` follows a directory swapped for a symlink mid-copy).
 */
async function copyUp(rootfs: string, dest: string, data: string): Promise<void> {
  if ((await readdir(data)).length > 0) return;
  const src = await openSourceDir(rootfs, dest);
  if (src === null) return;
  try {
    const st = await src.stat();
    if ((await readdir(fdPath(src))).length === 0) return;
    // `dest/.` into `data/`: the directory's own owner and mode come along, as Docker copies them.
    const w = tarWriter();
    const packing = packPath(w, fdPath(src), '', st, '.').then(
      () => w.finish(),
      (err: Error) => {
        w.fail(err);
        throw err;
      },
    );
    await Promise.all([extractLayer(w.stream, data, { whiteouts: 'none' }), packing]);
  } finally {
    await src.close();
  }
}

/** The directory at `dest` inside the rootfs, opened without following a symlink out of it; null when it is not one. */
async function openSourceDir(rootfs: string, dest: string): Promise<FileHandle | null> {
  const sp = await resolveInRoot(rootfs, dest, true).catch((err) => {
    if (err instanceof ScopedPathError) return null;
    throw err;
  });
  if (sp === null) return null;
  try {
    return await openAt(sp.dir, sp.name, constants.O_RDONLY | constants.O_DIRECTORY).catch((err) => {
      if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR') || isErrno(err, 'ELOOP')) return null;
      throw err;
    });
  } finally {
    await sp.close();
  }
}

async function ownIfRoot(dir: string, owner: { uid: number; gid: number }): Promise<void> {
  const st = await stat(dir);
  if (st.uid === 0 && st.gid === 0) await chown(dir, owner.uid, owner.gid);
}
