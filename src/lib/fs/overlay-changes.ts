import type { Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { isOverlayWhiteout } from './overlay-whiteout.js';
import { readXattrs } from './read-xattrs.js';
import { walkChunks } from './walk.js';

/** Docker's change kinds (`GET /containers/{id}/changes`): 0 modified, 1 added, 2 deleted. */
export type ChangeKind = 0 | 1 | 2;

export interface Change {
  Path: string;
  Kind: ChangeKind;
}

/**
 * The changes an overlayfs upper dir holds against its lower dirs (topmost first): a whiteout
 * is a deletion, a path that exists in some lower dir was modified, any other was added. A
 * directory that only holds changed children is reported as modified, as Docker does. Paths in
 * `ignore` (relative) are left out with everything below them, and so is a modified directory
 * whose only changes were ignored ones.
 */
export async function overlayChanges(upper: string, lowers: string[], ignore: ReadonlySet<string> = new Set()): Promise<Change[]> {
  const out: Change[] = [];
  // Directories whose lower counterpart can show through: children of an added or opaque
  // directory are added without looking (and never through a lower symlink).
  const seeThrough = new Set<string>(['']);
  const onlyIgnored = new Set<string>();
  // The walk pins every directory (a running container may swap one for a symlink to the host).
  for await (const chunk of walkChunks(upper, (w) => ignore.has(w.rel))) {
    const xattrs = await readXattrs(chunk.map((e) => e.path));
    for (const e of chunk) {
      if (ignore.has(e.rel)) {
        for (let p = e.rel; p.includes('/');) onlyIgnored.add((p = p.slice(0, p.lastIndexOf('/'))));
        continue;
      }
      const Path = `/${e.rel}`;
      const attrs = xattrs.get(e.path);
      if (isOverlayWhiteout(e.st, attrs)) {
        out.push({ Path, Kind: 2 });
        continue;
      }
      const slash = e.rel.lastIndexOf('/');
      const parent = slash < 0 ? '' : e.rel.slice(0, slash);
      const lower = seeThrough.has(parent) ? await lowerStat(lowers, e.rel) : null;
      out.push({ Path, Kind: lower === null ? 1 : 0 });
      if (lower?.isDirectory() && attrs?.get('trusted.overlay.opaque')?.toString() !== 'y') seeThrough.add(e.rel);
    }
  }
  return out.filter((c) => !(c.Kind === 0 && onlyIgnored.has(c.Path.slice(1)) && !out.some((o) => o.Path.startsWith(`${c.Path}/`))));
}

/** The topmost lower entry at `rel`, or null when none shows (absent or whited out). */
async function lowerStat(lowers: string[], rel: string): Promise<Stats | null> {
  for (const dir of lowers) {
    const st = await lstat(join(dir, rel)).catch(() => null);
    if (st !== null) return isOverlayWhiteout(st, undefined) ? null : st;
  }
  return null;
}
