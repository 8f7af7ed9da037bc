import type { Stats } from 'node:fs';
import { lstat, mkdir, rm } from 'node:fs/promises';
import { invalidArgument, isErrno } from '../../core/errdefs.js';

/**
 * Scoped writes under the extraction root. Policy: an entry is never written through a symlink.
 * Every parent component of an entry is lstat'ed; a parent that is a symlink (or not a directory)
 * makes the whole extraction fail rather than being resolved inside the root — simpler to audit,
 * and Docker-generated layers never need it. The final component is never followed either: whatever
 * is there is removed and recreated (a directory over a directory only updates metadata).
 *
 * Assumes this extraction is the only writer under the root while it runs (the snapshotters
 * extract into a private temp dir), which is what makes the lstat checks and the cache sound.
 */
export interface Root {
  /** Real path of the destination (no symlinks in it, so joined paths are literal). */
  readonly dir: string;
  /** Relative paths known to be real directories: saves an lstat per parent per entry. */
  readonly dirs: Set<string>;
  /** Paths written by this layer plus all their ancestors (whiteouts must not hide these). */
  readonly touched: Set<string>;
  /** Directory times, applied at the end because writing children changes a directory's mtime. */
  readonly dirTimes: Map<string, { atime: number; mtime: number }>;
}

export function newRoot(realDir: string): Root {
  return { dir: realDir, dirs: new Set(['']), touched: new Set(), dirTimes: new Map() };
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

export function absPath(root: Root, rel: string): string {
  return rel === '' ? root.dir : `${root.dir}/${rel}`;
}

export function parentOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
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
 * Checks that every parent of `rel` is a real directory under the root. With `create`, missing
 * parents are made (0755, like Docker); without it, returns false when one is missing.
 * `name` is the raw entry name, for the error message.
 */
export async function ensureParents(root: Root, rel: string, name: string, create = true): Promise<boolean> {
  const parts = rel.split('/');
  let prefix = '';
  for (let i = 0; i < parts.length - 1; i++) {
    prefix = prefix === '' ? parts[i]! : `${prefix}/${parts[i]}`;
    if (root.dirs.has(prefix)) continue;
    const st = await lstatOrNull(absPath(root, prefix));
    if (st === null) {
      if (!create) return false;
      await mkdir(absPath(root, prefix), 0o755);
    } else if (st.isSymbolicLink()) {
      throw invalidArgument(`archive/tar: invalid path "${name}": parent "${prefix}" is a symlink`);
    } else if (!st.isDirectory()) {
      throw invalidArgument(`archive/tar: invalid path "${name}": parent "${prefix}" is not a directory`);
    }
    root.dirs.add(prefix);
  }
  return true;
}

/** Removes whatever is at `rel` (recursively, never following symlinks) and forgets cached state under it. */
export async function removePath(root: Root, rel: string, st?: Stats | null): Promise<void> {
  const path = absPath(root, rel);
  const stat = st === undefined ? await lstatOrNull(path) : st;
  if (stat === null) return;
  // fs.rm lstat's as it walks, so a symlink is unlinked rather than followed.
  await rm(path, { recursive: true, force: true });
  if (!stat.isDirectory()) return;
  const under = `${rel}/`;
  for (const set of [root.dirs, root.touched]) {
    for (const p of set) if (p === rel || p.startsWith(under)) set.delete(p);
  }
  for (const p of root.dirTimes.keys()) if (p === rel || p.startsWith(under)) root.dirTimes.delete(p);
}

/** Records that this layer wrote `rel`; its ancestors count as written too (they hold it). */
export function markWritten(root: Root, rel: string): void {
  for (let p = rel; p !== '' && !root.touched.has(p); p = parentOf(p)) root.touched.add(p);
}
