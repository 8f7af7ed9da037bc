import { randomBytes } from 'node:crypto';
import { chown, mkdir, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { LayerName, MountOptions, RemapOptions, Snapshotter } from '../../core/snapshots.js';
import { shiftTreeIds, toHostId } from '../../lib/fs/shift-ids.js';
import { isErrno, notFound } from '../../lib/errdefs.js';
import { extractLayer } from '../../lib/archive/extract.js';
import { mkdirp } from '../../lib/atomic-file.js';
import { removeTempLayers } from '../../lib/fs/temp-layers.js';
import { run } from '../../lib/exec.js';
import { isMountPoint, unmountIfMounted } from '../../lib/fs/mounts.js';
import { hexOf, type Digest } from '../../lib/digest.js';

/**
 * Kernel overlayfs snapshotter.
 *   layers/<chain-hex>/diff   the layer's own files (whiteouts as overlay char devices 0/0)
 *   layers/<chain-hex>/link   a short name; l/<short> → ../layers/<chain-hex>/diff
 *   layers/<chain-hex>/lower  the parents' short links, topmost first (overlay's lowerdir order)
 *   active/<key>/{upper,work,parent}  a container's writable layer
 * Short links keep the mount options under a page even for deep images; mount runs with cwd = root.
 */
export class OverlaySnapshotter implements Snapshotter {
  readonly name = 'overlayfs';
  /** The diff dir is filled first; `parent` is read (lowerChain) only after the tar ends. */
  readonly unpacksBeforeParent = true;

  /** Set once the kernel refused a `volatile` mount (before 5.10): plain mounts from then on. */
  private volatileRefused = false;

  constructor(private readonly root: string) {}

  static async open(root: string): Promise<OverlaySnapshotter> {
    for (const d of ['layers', 'active', 'l']) await mkdirp(join(root, d));
    await removeTempLayers(join(root, 'layers'));
    return new OverlaySnapshotter(root);
  }

  private layerDir(chainId: string): string {
    return join(this.root, 'layers', hexOf(chainId as Digest));
  }

  async hasLayer(chainId: string): Promise<boolean> {
    try {
      await readFile(join(this.layerDir(chainId), 'link'));
      return true;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return false;
      throw err;
    }
  }

  async applyLayer(name: LayerName, parent: string | null, tar: Readable): Promise<void> {
    await this.commitLayer(name, parent, async (diff) => {
      await mkdir(diff, { mode: 0o755 });
      await extractLayer(tar, diff, { whiteouts: 'overlay' });
    });
  }

  async commit(key: string, chainId: string): Promise<void> {
    const parent = (await this.parentOf(key)) || null;
    await this.commitLayer(chainId, parent, (diff) => rename(join(this.activeDir(key), 'upper'), diff));
    await this.remove(key);
  }

  /**
   * Fills `<tmp>/diff` with `fill`, then (named by now) writes the layer's metadata and renames it
   * into place. A crash leaves only the temp dir, which the next open removes.
   */
  private async commitLayer(name: LayerName, parent: string | null, fill: (diff: string) => Promise<void>): Promise<void> {
    const tmp = join(this.root, 'layers', `.tmp-${randomBytes(6).toString('hex')}`);
    const short = randomBytes(13).toString('base64url').replace(/[-_]/g, 'x').slice(0, 20);
    try {
      await mkdir(tmp, { mode: 0o755 });
      await fill(join(tmp, 'diff'));
      const chainId = typeof name === 'string' ? name : await name();
      const final = this.layerDir(chainId);
      const lower = parent === null ? [] : await this.lowerChain(parent);
      await writeFile(join(tmp, 'lower'), lower.join(':'));
      await writeFile(join(tmp, 'parent'), parent ?? '');
      await symlink(`../layers/${hexOf(chainId as Digest)}/diff`, join(this.root, 'l', short));
      await writeFile(join(tmp, 'link'), short);
      await rename(tmp, final).catch(async (err) => {
        // Another writer committed the same layer first: theirs is identical, keep it.
        await rm(join(this.root, 'l', short), { force: true });
        if (!isErrno(err, 'ENOTEMPTY') && !isErrno(err, 'EEXIST')) throw err;
      });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  /** The lowerdir list for a stack whose top is `chainId`: its own link first. */
  private async lowerChain(chainId: string): Promise<string[]> {
    const dir = this.layerDir(chainId);
    let link: string;
    try {
      link = (await readFile(join(dir, 'link'), 'utf8')).trim();
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw notFound(`layer ${chainId}: not found`);
      throw err;
    }
    const lower = (await readFile(join(dir, 'lower'), 'utf8')).trim();
    return [`l/${link}`, ...(lower === '' ? [] : lower.split(':'))];
  }

  async removeLayer(chainId: string): Promise<void> {
    const dir = this.layerDir(chainId);
    const link = await readFile(join(dir, 'link'), 'utf8').catch(() => '');
    if (link !== '') {
      await rm(join(this.root, 'l', link.trim()), { force: true });
      // Re-owned copies for userns-remap live in "<uid>.<gid>/<short>".
      for (const d of await readdir(this.root)) {
        if (/^\d+\.\d+$/.test(d)) await rm(join(this.root, d, link.trim()), { recursive: true, force: true });
      }
    }
    await rm(dir, { recursive: true, force: true });
  }

  private activeDir(key: string): string {
    return join(this.root, 'active', key);
  }

  /** An active snapshot's parent chain ID ('' for none); NotFound when `key` was never prepared. */
  private async parentOf(key: string): Promise<string> {
    try {
      return (await readFile(join(this.activeDir(key), 'parent'), 'utf8')).trim();
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw notFound(`snapshot ${key}: not found`);
      throw err;
    }
  }

  async prepare(key: string, parent: string | null): Promise<void> {
    const dir = this.activeDir(key);
    await mkdirp(dir, 0o700); // root's only; the upper dir inside is the container's `/`
    await mkdirp(join(dir, 'upper'), 0o755);
    await mkdirp(join(dir, 'work'), 0o700);
    await mkdirp(join(dir, 'empty'), 0o755);
    await writeFile(join(dir, 'parent'), parent ?? '');
  }

  async mount(key: string, target: string, remap?: RemapOptions, mountOpts?: MountOptions): Promise<void> {
    const dir = this.activeDir(key);
    const parent = await this.parentOf(key);
    // overlay needs a lower dir; an image with no layers gets an empty one.
    let lower = parent === '' ? [join(dir, 'empty')] : await this.lowerChain(parent);
    if (remap) {
      lower = parent === '' ? lower : await Promise.all(lower.map((l) => this.remappedLayer(l, remap)));
      for (const d of ['upper', 'work', 'empty']) await this.remapRoot(join(dir, d), remap);
    }
    await mkdirp(target);
    const opts = `lowerdir=${lower.join(':')},upperdir=${join(dir, 'upper')},workdir=${join(dir, 'work')}`;
    // A volatile mount leaves work/work/incompat/volatile, and overlay refuses any later mount of
    // that work dir while it is there: such a snapshot is mounted volatile again (its changes were
    // never promised to survive a crash), after the marker is cleared.
    const marker = join(dir, 'work', 'work', 'incompat', 'volatile');
    const volatile = !this.volatileRefused && (mountOpts?.volatile === true || (await exists(marker)));
    if (volatile) {
      await rm(marker, { recursive: true, force: true });
      try {
        await run('mount', ['-t', 'overlay', 'overlay', '-o', `${opts},volatile`, target], { cwd: this.root });
        return;
      } catch (err) {
        if (await isMountPoint(target)) throw err;
        await run('mount', ['-t', 'overlay', 'overlay', '-o', opts, target], { cwd: this.root });
        this.volatileRefused = true; // a kernel without the option (before 5.10): plain mounts, as before
        return;
      }
    }
    await run('mount', ['-t', 'overlay', 'overlay', '-o', opts, target], { cwd: this.root });
  }

  /**
   * A re-owned copy of one layer (`l/<short>` → `<remap key>/<short>`, same short name so the
   * mount options stay short), made once per layer and remap: copied, re-owned, then renamed
   * into place, so a crash leaves no half-shifted layer.
   */
  private async remappedLayer(link: string, remap: RemapOptions): Promise<string> {
    const short = link.slice('l/'.length);
    const rel = join(remap.key, short);
    const final = join(this.root, rel);
    if (
      await stat(final).then(
        () => true,
        () => false,
      )
    )
      return rel;
    await mkdirp(join(this.root, remap.key), 0o700);
    const tmp = `${final}.tmp-${randomBytes(6).toString('hex')}`;
    try {
      await run('cp', ['-a', '--reflink=auto', join(this.root, link) + '/.', tmp + '/']);
      await shiftTreeIds(tmp, remap.uids, remap.gids);
      await rename(tmp, final).catch((err) => {
        if (!isErrno(err, 'ENOTEMPTY') && !isErrno(err, 'EEXIST')) throw err;
      });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    return rel;
  }

  /** The container's root owns its upper dir's root (files it creates there are its own anyway). */
  private async remapRoot(dir: string, remap: RemapOptions): Promise<void> {
    const st = await stat(dir);
    const uid = toHostId(0, remap.uids) ?? st.uid;
    const gid = toHostId(0, remap.gids) ?? st.gid;
    if (st.uid !== uid || st.gid !== gid) await chown(dir, uid, gid);
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
    await rm(this.activeDir(key), { recursive: true, force: true });
  }

  upperDir(key: string): string {
    return join(this.activeDir(key), 'upper');
  }

  layerPath(chainId: string): string {
    return join(this.layerDir(chainId), 'diff');
  }

  async lowerDirs(key: string): Promise<string[]> {
    const parent = await this.parentOf(key);
    return parent === '' ? [] : (await this.lowerChain(parent)).map((l) => join(this.root, l));
  }
}

/** True when this kernel and filesystem can mount overlay with a lower, upper and work dir here. */
export async function overlaySupported(root: string): Promise<boolean> {
  const dir = join(root, `.probe-${randomBytes(4).toString('hex')}`);
  const [lower, upper, work, merged] = [join(dir, 'lower'), join(dir, 'upper'), join(dir, 'work'), join(dir, 'merged')] as const;
  try {
    for (const d of [lower, upper, work, merged]) await mkdirp(d);
    await run('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${upper},workdir=${work}`, merged]);
    await run('umount', [merged]);
    return true;
  } catch {
    return false;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );
