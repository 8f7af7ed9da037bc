import { lstat, readdir } from 'node:fs/promises';
import type { Pin } from '../fs/pinned-tree.js';
import { invalidArgument } from '../errdefs.js';
import { ensureParents, entryAt, markWritten, parentOf, pinDir, removePath, type Root } from './safe-path.js';
import { mknod, setXattr } from './xattr.js';

/**
 * OCI whiteouts (image-spec layer.md): `.wh.NAME` says NAME was deleted in this layer, and
 * `.wh..wh..opq` says its directory is opaque (nothing from lower layers shows through).
 *   'overlay': written as overlayfs expects in an upper/lower dir — a 0/0 character device at
 *              NAME, and the xattr trusted.overlay.opaque=y on the directory.
 *   'apply':   dest already holds the lower layers (vfs copy), so the deletions are performed.
 * Either way a whiteout hides only lower content: paths this layer wrote itself are kept.
 */
export type WhiteoutMode = 'overlay' | 'apply';

export const WHITEOUT_PREFIX = '.wh.';
export const WHITEOUT_META_PREFIX = '.wh..wh.';
export const WHITEOUT_OPAQUE = '.wh..wh..opq';

export type Whiteout = { kind: 'opaque'; dir: string } | { kind: 'whiteout'; target: string } | { kind: 'meta' }; // AUFS bookkeeping (.wh..wh.plnk, .wh..wh.orph): not content, skipped

/** Classifies a cleaned entry path; null for an ordinary entry. */
export function classifyWhiteout(rel: string, name: string): Whiteout | null {
  if (rel.startsWith(WHITEOUT_META_PREFIX) && rel !== WHITEOUT_OPAQUE) return { kind: 'meta' };
  const dir = parentOf(rel);
  const base = dir === '' ? rel : rel.slice(dir.length + 1);
  if (!base.startsWith(WHITEOUT_PREFIX)) return null;
  if (base === WHITEOUT_OPAQUE) return { kind: 'opaque', dir };
  if (base.startsWith(WHITEOUT_META_PREFIX)) return { kind: 'meta' };
  const hidden = base.slice(WHITEOUT_PREFIX.length);
  // `.wh...` would name the parent directory: never a valid deletion, and a way to climb out.
  if (hidden === '' || hidden === '.' || hidden === '..') {
    throw invalidArgument(`archive/tar: invalid whiteout "${name}"`);
  }
  return { kind: 'whiteout', target: dir === '' ? hidden : `${dir}/${hidden}` };
}

/**
 * Overlay mode: a directory entry landing where this layer put a whiteout means "deleted, then
 * re-created": the new directory must hide the lower one's contents, so it is made opaque.
 */
export async function makeOpaque(dir: Pin): Promise<void> {
  await setXattr(`${dir.path}/.`, 'trusted.overlay.opaque', Buffer.from('y'));
}

export async function applyWhiteout(root: Root, wh: Whiteout, name: string, mode: WhiteoutMode, whiteouts: Set<string>): Promise<void> {
  if (wh.kind === 'meta') return;
  if (wh.kind === 'opaque') {
    // The marker's parents include the directory itself, so this creates or vets it.
    const dir = (await pinDir(root, wh.dir, name, true))!;
    try {
      if (mode === 'overlay') await makeOpaque(dir);
      else await pruneUntouched(root, wh.dir, dir);
    } finally {
      root.tree.release(dir);
    }
    if (wh.dir !== '') markWritten(root, wh.dir);
    return;
  }
  const { target } = wh;
  if (root.touched.has(target)) return; // this layer's own content: the whiteout only hides lower layers
  if (mode === 'apply') {
    // Nothing to delete if a parent is missing; a symlinked parent still fails (never follow).
    if (await ensureParents(root, target, name, false)) await removePath(root, target);
    return;
  }
  const at = (await entryAt(root, target, name))!;
  try {
    await removePath(root, target);
    await mknod(at.path, 'c', 0, 0);
  } finally {
    at.release();
  }
  whiteouts.add(target);
  markWritten(root, target);
}

/** Apply-mode opaque directory: delete everything below it that this layer did not write. */
async function pruneUntouched(root: Root, dirRel: string, dir: Pin): Promise<void> {
  const prefix = dirRel === '' ? '' : `${dirRel}/`;
  for (const child of await readdir(dir.path)) {
    const rel = prefix + child;
    if (!root.touched.has(rel)) {
      await removePath(root, rel);
    } else if ((await lstat(`${dir.path}/${child}`)).isDirectory()) {
      const sub = (await pinDir(root, rel, rel, false))!;
      try {
        await pruneUntouched(root, rel, sub);
      } finally {
        root.tree.release(sub);
      }
    }
  }
}
