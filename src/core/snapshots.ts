import type { Readable } from 'node:stream';
import type { IdRange } from '../lib/fs/shift-ids.js';

/**
 * A user namespace's id maps (userns-remap): the mounted tree shows files owned by the host
 * ids the container's ids map to. Stored layers stay as the images have them; the driver keeps
 * re-owned copies (or re-owns the container's own copy) under a directory named by `key`
 * (Docker's "<uid>.<gid>").
 */
export interface RemapOptions {
  key: string;
  uids: readonly IdRange[];
  gids: readonly IdRange[];
}

/** How a writable snapshot is mounted. */
export interface MountOptions {
  /**
   * Its changes need not survive a crash of the host (a build step's container: committed, then
   * removed; start-up removes what a crash left). Overlay mounts it `volatile`: no sync of the
   * upper filesystem on unmount. A snapshot once mounted so is always mounted so.
   */
  volatile?: boolean;
}

/** A layer's chain ID, or a function that gives it later (see Snapshotter.applyLayer). */
export type LayerName = string | (() => Promise<string>);

/**
 * A snapshotter turns image layers into directories and gives each container a writable view.
 *
 * Lifecycle:
 *  - `applyLayer(chainId, parent, tar)` unpacks one layer on top of `parent` (a chain ID or null)
 *    and commits it under `chainId`. Committed layers are immutable and shared.
 *  - `prepare(key, parent)` creates an active, writable snapshot on top of a committed layer;
 *    `mount(key, target, remap?, opts?)` makes it the container's root filesystem (re-owned for a user
 *    namespace with `remap`; a snapshot is always mounted with the same remap); `unmount(target)` undoes that.
 *  - `remove(key)` deletes an active snapshot; `removeLayer(chainId)` a committed one. Neither
 *    checks what is built on top (layers, active snapshots): the caller removes only what nothing
 *    uses (image removal walks a chain top-down). Removing what is absent is no error, and so is
 *    unmounting what is not mounted; mounting or committing a key never prepared is NotFound.
 * Every step is atomic on disk: a crash leaves either nothing or a complete snapshot. Applying a
 * chain ID that exists (or is being applied at the same time) keeps one whole layer.
 * `snapshots.suite.ts` is the contract's test suite; every driver runs it.
 */
export interface Snapshotter {
  readonly name: string;
  /**
   * True when `applyLayer` reads nothing of `parent` before its tar stream ends: a caller may then
   * unpack a stack's layers concurrently, as long as each layer's stream ends only after its
   * parent is committed (pull does this).
   */
  readonly unpacksBeforeParent?: boolean;
  hasLayer(chainId: string): Promise<boolean>;
  /**
   * `name` is the layer's chain ID, or a function giving it once the tar has been unpacked and
   * before anything of `parent` is read: a caller that hashes the tar while it unpacks (storeLayer)
   * names the layer at the end, and one that unpacks a stack concurrently (load) holds each layer
   * back until its parent is committed.
   */
  applyLayer(name: LayerName, parent: string | null, tar: Readable): Promise<void>;
  removeLayer(chainId: string): Promise<void>;
  prepare(key: string, parent: string | null): Promise<void>;
  mount(key: string, target: string, remap?: RemapOptions, opts?: MountOptions): Promise<void>;
  unmount(target: string): Promise<void>;
  isMounted(target: string): Promise<boolean>;
  remove(key: string): Promise<void>;
  /** The keys of every writable snapshot (start-up removes those nobody owns). */
  activeKeys(): Promise<string[]>;
  /** The directory holding an active snapshot's own changes (overlay's upper dir). */
  upperDir(key: string): string;
  /**
   * The committed layer directories beneath an active snapshot, topmost first (overlay's lowerdir
   * order), for reading what the upper dir changed. NotImplemented for drivers whose upper dir
   * is a full copy (vfs).
   */
  lowerDirs(key: string): Promise<string[]>;
  /**
   * Optional: commits an unmounted active snapshot in place as the layer `chainId` on top of the
   * snapshot's parent — its upper dir becomes the layer's files, nothing is copied — and removes
   * the active snapshot. The caller vouches that `chainId` describes exactly that upper dir (it
   * packed the upper dir into the layer's tar). Atomic like applyLayer; if the layer exists
   * already, the existing one is kept.
   */
  commit?(key: string, chainId: string): Promise<void>;
  /** Where a committed layer's files are (overlay: the layer's own diff; vfs: its full copy), for inspect. */
  layerPath(chainId: string): string;
}
