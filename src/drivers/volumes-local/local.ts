import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { notFound } from '../../lib/errdefs.js';
import type { Volume, VolumeCreateOptions, VolumeDriver } from '../../core/volumes.js';
import { mkdirp, readJsonIfExists, writeJsonAtomic } from '../../lib/atomic-file.js';
import { run } from '../../lib/exec.js';
import { isMountPoint, unmountIfMounted } from '../../lib/fs/mounts.js';
import { KeyedLock } from '../../lib/keyed-lock.js';
import { deviceMountOf, validateVolumeName } from './options.js';

const META = 'volume.json';

/**
 * Docker's `local` volume driver: `<root>/<name>/_data` holds the data, `<root>/<name>/volume.json`
 * the metadata (written last and atomically: a directory without it is a create that crashed and
 * is removed at open). Volumes with device options are mounted on first use and stay mounted
 * until removed (a mount outlives berthd, like the volume).
 */
export class LocalVolumeDriver implements VolumeDriver {
  readonly name = 'local';
  private readonly volumes = new Map<string, Volume>();
  private readonly locks = new KeyedLock();

  private constructor(readonly root: string) {}

  static async open(root: string): Promise<LocalVolumeDriver> {
    await mkdirp(root, 0o701);
    const d = new LocalVolumeDriver(root);
    for (const name of await readdir(root)) {
      const v = await readJsonIfExists<Volume>(join(root, name, META));
      if (v === undefined) await d.removeDir(name);
      else d.volumes.set(name, v);
    }
    return d;
  }

  get(name: string): Volume | undefined {
    return this.volumes.get(name);
  }

  list(): Volume[] {
    return [...this.volumes.values()];
  }

  create(name: string, opts: VolumeCreateOptions = {}): Promise<Volume> {
    validateVolumeName(name);
    deviceMountOf(opts.options);
    return this.locks.run(name, async () => {
      const existing = this.volumes.get(name);
      if (existing) return existing;
      const dir = join(this.root, name);
      const v: Volume = {
        Name: name,
        Driver: this.name,
        Mountpoint: join(dir, '_data'),
        CreatedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        Labels: opts.labels ?? null,
        // As Docker's local driver: no options is null, whether the client sent {} or nothing.
        Options: opts.options && Object.keys(opts.options).length > 0 ? opts.options : null,
        Scope: 'local',
      };
      try {
        await mkdirp(v.Mountpoint, 0o755);
        await writeJsonAtomic(join(dir, META), v);
      } catch (err) {
        await this.removeDir(name);
        throw err;
      }
      this.volumes.set(name, v);
      return v;
    });
  }

  mount(name: string): Promise<string> {
    return this.locks.run(name, async () => {
      const v = this.must(name);
      const dev = deviceMountOf(v.Options);
      if (dev && !(await isMountPoint(v.Mountpoint))) {
        await run('mount', ['-t', dev.type, ...(dev.options ? ['-o', dev.options] : []), dev.device, v.Mountpoint]);
      }
      return v.Mountpoint;
    });
  }

  remove(name: string): Promise<void> {
    return this.locks.run(name, async () => {
      this.must(name);
      // Metadata first: a crash after this leaves a directory that open() removes.
      await rm(join(this.root, name, META), { force: true });
      this.volumes.delete(name);
      await this.removeDir(name);
    });
  }

  async size(name: string): Promise<number> {
    const v = this.must(name);
    if (deviceMountOf(v.Options)) return 0;
    return duBytes(v.Mountpoint);
  }

  private must(name: string): Volume {
    const v = this.volumes.get(name);
    if (v === undefined) throw notFound(`get ${name}: no such volume`);
    return v;
  }

  private async removeDir(name: string): Promise<void> {
    const data = join(this.root, name, '_data');
    await unmountIfMounted(data);
    await rm(join(this.root, name), { recursive: true, force: true });
  }
}

/** Bytes of regular files under `dir`, not following symlinks (prune's SpaceReclaimed). */
async function duBytes(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isFile()) continue;
    total += await stat(join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)).then(
      (s) => s.size,
      () => 0,
    );
  }
  return total;
}
