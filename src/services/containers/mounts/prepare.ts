import { chown, readdir, stat } from 'node:fs/promises';
import type { ContainerRecord } from '../../../core/containers.js';
import { invalidArgument, isErrno } from '../../../core/errdefs.js';
import type { VolumeDriver } from '../../../core/volumes.js';
import { run } from '../../../lib/exec.js';
import { resolveInRoot } from '../spec/user.js';
import { mkdirp } from '../../../lib/atomic-file.js';

/**
 * Readies a container's mounts before its spec is built (the rootfs is mounted): volumes with
 * device options are mounted, missing `-v` bind sources are created as directories (Docker's
 * behaviour; `--mount` binds must exist), and an empty volume receives a copy of what the image
 * has at the mount point (Docker's copy-up; `nocopy` and `--volumes-from` skip it). Under
 * userns-remap (`remappedRoot`), a volume whose top directory the host's root owns is given to
 * the container's root, as Docker's remapped volumes are.
 */
export async function prepareMounts(driver: VolumeDriver, rec: ContainerRecord, remappedRoot?: { uid: number; gid: number }): Promise<void> {
  for (const mp of rec.MountPoints ?? []) {
    if (mp.Type === 'volume' && mp.Name) {
      if (driver.get(mp.Name) === undefined) throw invalidArgument(`get ${mp.Name}: no such volume`);
      const data = await driver.mount(mp.Name);
      if (mp.CopyData) await copyUp(rec.Paths.Rootfs, mp.Destination, data);
      // userns-remap: a volume still owned by the host's root belongs to the container's root.
      if (remappedRoot) await ownIfRoot(data, remappedRoot);
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

/** Copies the image's directory at `dest` (resolved inside the rootfs) into an empty volume, keeping owners and modes. */
async function copyUp(rootfs: string, dest: string, data: string): Promise<void> {
  if ((await readdir(data)).length > 0) return;
  const src = await resolveInRoot(rootfs, dest);
  if (src === undefined) return;
  const st = await stat(src).catch(() => undefined);
  if (!st?.isDirectory()) return;
  if ((await readdir(src)).length === 0) return;
  // `src/.` into `data/`: the directory's own owner and mode come along, as Docker copies them.
  await run('cp', ['-a', `${src}/.`, `${data}/`]);
}

async function ownIfRoot(dir: string, owner: { uid: number; gid: number }): Promise<void> {
  const st = await stat(dir);
  if (st.uid === 0 && st.gid === 0) await chown(dir, owner.uid, owner.gid);
}
