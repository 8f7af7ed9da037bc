import { randomBytes } from 'node:crypto';
import { access, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { LayerName, RemapOptions, Snapshotter } from '../../core/snapshots.js';
import { shiftTreeIds } from '../../lib/fs/shift-ids.js';
import { isErrno, notFound, notImplemented } from '../../lib/errdefs.js';
import { extractLayer } from '../../lib/archive/extract.js';
import { mkdirp } from '../../lib/atomic-file.js';
import { removeTempLayers } from '../../lib/fs/temp-layers.js';
import { run } from '../../lib/exec.js';
import { isMountPoint, unmountIfMounted } from '../../lib/fs/mounts.js';
import { hexOf, type Digest } from '../../lib/digest.js';

/**
 * The fallback where overlayfs is unavailable: every layer and every container gets a full
 * copy of the filesystem (`cp -a` of the parent, then the layer applied with whiteouts as deletions).
 * Slow and large, but works on any filesystem. The container's root is a bind mount of its copy.
 */
export class VfsSnapshotter implements Snapshotter {
  readonly name = 'vfs';

  constructor(private readonly root: string) {}

  static async open(root: string): Promise<VfsSnapshotter> {
    for (const d of ['layers', 'active']) await mkdirp(join(root, d));
    await removeTempLayers(join(root, 'layers'));
    return new VfsSnapshotter(root);
  }

  private layerDir(chainId: string): string {
    return join(this.root, 'layers', hexOf(chainId as Digest));
  }

  async hasLayer(chainId: string): Promise<boolean> {
    return access(join(this.layerDir(chainId), 'diff')).then(
      () => true,
      (err) => {
        if (isErrno(err, 'ENOENT')) return false;
        throw err;
      },
    );
  }

  async applyLayer(name: LayerName, parent: string | null, tar: Readable): Promise<void> {
    const tmp = join(this.root, 'layers', `.tmp-${randomBytes(6).toString('hex')}`);
    try {
      await this.copyOrCreate(parent === null ? null : join(this.layerDir(parent), 'diff'), join(tmp, 'diff'));
      await extractLayer(tar, join(tmp, 'diff'), { whiteouts: 'apply' });
      const final = this.layerDir(typeof name === 'string' ? name : await name());
      await rename(tmp, final).catch((err) => {
        if (!isErrno(err, 'ENOTEMPTY') && !isErrno(err, 'EEXIST')) throw err;
      });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  private async copyOrCreate(from: string | null, to: string): Promise<void> {
    await mkdirp(to, 0o755);
    if (from !== null) await run('cp', ['-a', `${from}/.`, to]);
  }

  async removeLayer(chainId: string): Promise<void> {
    await rm(this.layerDir(chainId), { recursive: true, force: true });
  }

  async prepare(key: string, parent: string | null): Promise<void> {
    const dir = join(this.root, 'active', key);
    await this.copyOrCreate(parent === null ? null : join(this.layerDir(parent), 'diff'), join(dir, 'upper'));
    await writeFile(join(dir, 'parent'), parent ?? '');
  }

  async mount(key: string, target: string, remap?: RemapOptions): Promise<void> {
    await readFile(join(this.root, 'active', key, 'parent')).catch((err) => {
      throw isErrno(err, 'ENOENT') ? notFound(`snapshot ${key}: not found`) : err;
    });
    // The container's copy is its own: re-own it in place, once (the marker names the remap).
    const marker = join(this.root, 'active', key, `remapped-${remap?.key}`);
    if (
      remap &&
      !(await stat(marker).then(
        () => true,
        () => false,
      ))
    ) {
      await shiftTreeIds(this.upperDir(key), remap.uids, remap.gids);
      await writeFile(marker, '');
    }
    await mkdirp(target);
    await run('mount', ['--bind', this.upperDir(key), target]);
  }

  async unmount(target: string): Promise<void> {
    await unmountIfMounted(target);
  }

  isMounted(target: string): Promise<boolean> {
    return isMountPoint(target);
  }

  async activeKeys(): Promise<string[]> {
    return (await readdir(join(this.root, 'active'))).filter((k) => !k.startsWith('.'));
  }

  async remove(key: string): Promise<void> {
    await rm(join(this.root, 'active', key), { recursive: true, force: true });
  }

  upperDir(key: string): string {
    return join(this.root, 'active', key, 'upper');
  }

  layerPath(chainId: string): string {
    return join(this.layerDir(chainId), 'diff');
  }

  lowerDirs(_key: string): Promise<string[]> {
    return Promise.reject(notImplemented("reading a container's changes is not supported with the vfs storage driver"));
  }
}
