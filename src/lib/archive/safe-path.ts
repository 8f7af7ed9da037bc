import type { Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { invalidArgument, isErrno } from '../errdefs.js';
import { baseOf, parentOf, PinError, type Pin, type PinnedTree } from '../fs/pinned-tree.js';
import { removeAt } from '../fs/remove-at.js';

export { parentOf };

/**
 * Scoped writes under the extraction root. Policy: an entry is never written through a symlink.
 * Every parent of an entry is opened as a directory with O_NOFOLLOW relative to its own parent
 * (lib/fs/pinned-tree.ts); a parent that is a symlink (or not a directory) makes the whole
 * extraction fail rather than being resolved inside the root — simpler to audit, and
 * Docker-generated layers never need it. The entry itself is then made, changed or removed as
 * `<pinned parent>/<name>` by calls that do not follow a last-component symlink: whatever else
 * writes to the tree meanwhile (a running container swapping a directory for a symlink to the
 * host), no path string checked once is walked again.
 */
export interface Root {
  readonly tree: PinnedTree;
  /** Paths written by this layer plus all their ancestors (whiteouts must not hide these). */
  readonly touched: Set<string>;
  /** Directory times, applied at the end because writing children changes a directory's mtime. */
  readonly dirTimes: Map<string, { atime: number; mtime: number }>;
}

export function newRoot(tree: PinnedTree): Root {
  return { tree, touched: new Set(), dirTimes: new Map() };
}

/** An entry's place: its pinned parent directory and its name there (held until `release`). */
export interface At {
  readonly dir: Pin;
  readonly name: string;
  /** `<pinned parent>/<name>`; for the root itself, the root's pin path. */
  readonly path: string;
  release(): void;
}

export function escapes(name: string): Error {
  return invalidArgument(`archive/tar: invalid path "${name}": escapes the target`);
}

/**
 * Turns an entry name into a clean path relative to the root ('' is the root itself): leading
 * `/` and `./` dropped, `.` and empty components removed, `..` resolved lexically. A `..` that
 * would climb above the root is rejected (not clamped): such a tar is hostile or broken.
 */
export function cleanEntryPath(name: string): string {
  const out: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) throw escapes(name);
      out.pop();
    } else {
      out.push(part);
    }
  }
  return out.join('/');
}

export async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return null;
    throw err;
  }
}

/**
 * Pins the parent of `rel` (missing parents made 0755, like Docker, with `create`; without it,
 * null when one is missing). `name` is the raw entry name, for the error message.
 */
export async function entryAt(root: Root, rel: string, name: string, create = true): Promise<At | null> {
  if (rel === '') {
    const dir = (await root.tree.dir('', false))!;
    return { dir, name: '', path: dir.path, release: () => root.tree.release(dir) };
  }
  const dir = await pinDir(root, parentOf(rel), name, create);
  if (dir === null) return null;
  const base = baseOf(rel);
  return { dir, name: base, path: `${dir.path}/${base}`, release: () => root.tree.release(dir) };
}

/** The directory `rel` itself, pinned (see entryAt). */
export async function pinDir(root: Root, rel: string, name: string, create: boolean): Promise<Pin | null> {
  try {
    return await root.tree.dir(rel, create);
  } catch (err) {
    if (!(err instanceof PinError)) throw err;
    throw invalidArgument(`archive/tar: invalid path "${name}": parent "${err.rel}" is ${err.kind === 'symlink' ? 'a symlink' : 'not a directory'}`);
  }
}

/** Checks (and with `create`, makes) every parent of `rel`; false when one is missing. */
export async function ensureParents(root: Root, rel: string, name: string, create = true): Promise<boolean> {
  const at = await entryAt(root, rel, name, create);
  at?.release();
  return at !== null;
}

/** Removes whatever is at `rel` (recursively, never following symlinks) and forgets cached state under it. */
export async function removePath(root: Root, rel: string): Promise<void> {
  if (rel === '') return;
  const at = await entryAt(root, rel, rel, false);
  if (at === null) return;
  let was: Awaited<ReturnType<typeof removeAt>>;
  try {
    was = await removeAt(at.dir.path, at.name);
  } finally {
    at.release();
  }
  if (was !== 'dir') return;
  root.tree.forget(rel);
  const under = `${rel}/`;
  for (const p of root.touched) if (p === rel || p.startsWith(under)) root.touched.delete(p);
  for (const p of root.dirTimes.keys()) if (p === rel || p.startsWith(under)) root.dirTimes.delete(p);
}

/** Records that this layer wrote `rel`; its ancestors count as written too (they hold it). */
export function markWritten(root: Root, rel: string): void {
  for (let p = rel; p !== '' && !root.touched.has(p); p = parentOf(p)) root.touched.add(p);
}
