import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, type FileHandle } from 'node:fs/promises';
import { isErrno } from '../errdefs.js';
import { fdPath, openAt } from './scoped-path.js';

/**
 * Directories of a tree being written (an extraction), each pinned by an fd opened O_NOFOLLOW
 * relative to its parent's fd, so that a name checked once keeps meaning the same directory
 * whatever the tree's other writers (a running container, another container on a shared volume)
 * rename or swap for a symlink afterwards. Every create and every metadata change goes through
 * `<pinned parent>/<one name>` (`/proc/<pid>/fd/<n>/<name>`): the kernel never follows a symlink
 * on the way there, and the calls used on it (mkdir, open O_EXCL|O_NOFOLLOW, symlink, link,
 * mknod, lchown, lutimes, lsetxattr, unlink, rmdir) do not follow the last component either.
 *
 * Pins are counted: `dir` takes a reference that `release` gives back. Unreferenced pins stay
 * cached (a tar names the same parents over and over) up to MAX_CACHED, then the oldest go.
 */
export interface Pin {
  readonly rel: string;
  readonly fh: FileHandle;
  /** `/proc/<pid>/fd/<n>`: the pinned directory, for paths `${path}/${name}`. */
  readonly path: string;
  refs: number;
  /** Forgotten (its directory was removed) while still in use: closed when released. */
  stale: boolean;
}

/** Why a directory on the way cannot be used; `rel` is the offending component's path. */
export class PinError extends Error {
  constructor(
    readonly kind: 'symlink' | 'notdir',
    readonly rel: string,
  ) {
    super(`${rel}: ${kind === 'symlink' ? 'is a symlink' : 'is not a directory'}`);
  }
}

const MAX_CACHED = 256;

export const parentOf = (rel: string): string => {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
};
export const baseOf = (rel: string): string => rel.slice(rel.lastIndexOf('/') + 1);

/** Two stats of the same inode. */
export const sameFile = (a: Stats, b: Stats): boolean => a.ino === b.ino && a.dev === b.dev;

export class PinnedTree {
  private readonly pins = new Map<string, Pin>();
  private readonly opening = new Map<string, Promise<Pin | null>>();

  private constructor(root: FileHandle) {
    this.pins.set('', { rel: '', fh: root, path: fdPath(root), refs: 1, stale: false });
  }

  /** Opens `dir` (an existing directory; a `/proc/<pid>/fd/<n>` pin is followed to its directory). */
  static async open(dir: string): Promise<PinnedTree> {
    return new PinnedTree(await open(dir, constants.O_RDONLY | constants.O_DIRECTORY));
  }

  get root(): Pin {
    return this.pins.get('')!;
  }

  /**
   * The directory at `rel` ('' = the root), pinned, with a reference taken. Missing directories
   * on the way are made (0755, as Docker's extraction makes them) when `create` is set; without
   * it a missing one gives null. A component that is a symlink or not a directory: PinError.
   */
  async dir(rel: string, create: boolean): Promise<Pin | null> {
    const hit = this.pins.get(rel);
    if (hit !== undefined) {
      hit.refs++;
      return hit;
    }
    let pending = this.opening.get(rel);
    if (pending === undefined) {
      pending = this.openDir(rel, create).finally(() => this.opening.delete(rel));
      this.opening.set(rel, pending);
      const pin = await pending;
      if (pin !== null) this.pins.set(rel, pin);
      this.evict();
      return pin;
    }
    // Someone else is opening it: share their pin (or their missing directory).
    const pin = await pending;
    if (pin === null) return create ? this.dir(rel, create) : null;
    pin.refs++;
    return pin;
  }

  release(pin: Pin): void {
    if (--pin.refs === 0 && pin.stale) void pin.fh.close().catch(() => undefined);
  }

  /** `rel` and everything under it were removed: drop their pins (closed once unused). */
  forget(rel: string): void {
    if (rel === '') return;
    for (const [key, pin] of this.pins) {
      if (key !== rel && !key.startsWith(`${rel}/`)) continue;
      this.pins.delete(key);
      pin.stale = true;
      if (pin.refs === 0) void pin.fh.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.opening.values()]);
    for (const pin of this.pins.values()) await pin.fh.close().catch(() => undefined);
    this.pins.clear();
  }

  private async openDir(rel: string, create: boolean): Promise<Pin | null> {
    const parent = await this.dir(parentOf(rel), create);
    if (parent === null) return null;
    const name = baseOf(rel);
    try {
      let fh = await openDirAt(parent, name, rel);
      if (fh === null && create) {
        await mkdir(`${parent.path}/${name}`, 0o755).catch((err) => {
          if (!isErrno(err, 'EEXIST')) throw err;
        });
        fh = await openDirAt(parent, name, rel);
      }
      return fh === null ? null : { rel, fh, path: fdPath(fh), refs: 1, stale: false };
    } finally {
      this.release(parent);
    }
  }

  private evict(): void {
    if (this.pins.size <= MAX_CACHED) return;
    for (const [key, pin] of this.pins) {
      if (this.pins.size <= MAX_CACHED / 2) break;
      if (key === '' || pin.refs > 0) continue;
      this.pins.delete(key);
      void pin.fh.close().catch(() => undefined);
    }
  }
}

/** openat(parent, name, O_DIRECTORY|O_NOFOLLOW); null when missing; PinError when not a real directory. */
async function openDirAt(parent: Pin, name: string, rel: string): Promise<FileHandle | null> {
  try {
    return await openAt(parent.fh, name, constants.O_RDONLY | constants.O_DIRECTORY);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return null;
    if (!isErrno(err, 'ELOOP') && !isErrno(err, 'ENOTDIR')) throw err;
    const st = await lstat(`${parent.path}/${name}`).catch(() => null);
    throw new PinError(st?.isSymbolicLink() ? 'symlink' : 'notdir', rel);
  }
}
