import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { ContainerRecord } from '../../core/containers.js';
import { fdPath, resolveInRoot, ScopedPathError, type MountTable, type ScopedPath } from '../../lib/fs/scoped-path.js';
import { BerthError, invalidArgument } from '../../lib/errdefs.js';
import { extractLayer, type ExtractOptions } from '../../lib/archive/extract.js';
import { splitTar } from '../../lib/archive/rebase.js';
import { cleanEntryPath } from '../../lib/archive/safe-path.js';
import { tarWriter } from '../../lib/archive/tar-writer.js';

/**
 * The container's volumes and binds as `docker cp` sees them (Docker mounts them over the rootfs
 * for the copy): destination → host source. Each destination is resolved inside the rootfs (and
 * the mounts above it) the way runc resolved it when it mounted it, so `/var/run/x` under an
 * image's `/var/run → /run` link is found at `/run/x`. tmpfs mounts have no host path: as in
 * Docker, a copy sees the rootfs under them.
 */
export async function mountTable(rec: ContainerRecord, rootfs: string): Promise<CopyMounts> {
  const table = new Map<string, string>();
  const readOnly = new Set<string>();
  const mounts = (rec.MountPoints ?? []).filter((m) => m.Type !== 'tmpfs' && m.Source !== '');
  for (const m of mounts.sort((a, b) => a.Destination.length - b.Destination.length)) {
    let dest = m.Destination;
    try {
      const sp = await resolveInRoot(rootfs, m.Destination, true, table);
      dest = sp.resolved;
      await sp.close();
    } catch (err) {
      if (!(err instanceof ScopedPathError)) throw err; // not there yet: runc creates it at start
    }
    table.set(dest, m.Source);
    if (m.RW) readOnly.delete(dest);
    else readOnly.add(dest);
  }
  return { table, readOnly };
}

export interface CopyMounts {
  table: MountTable;
  /** Destinations (as keys of `table`) mounted read-only. */
  readOnly: ReadonlySet<string>;
}

/** Docker's checkIfPathIsInAVolume: a write into a read-only volume or bind is refused. */
export function checkWritableMount(mounts: CopyMounts, mount: string | undefined): void {
  if (mount !== undefined && mounts.readOnly.has(mount)) throw invalidArgument('mounted volume is marked read-only');
}

/** Mount destinations strictly under `dir` (resolved), parents first. */
export function mountsUnder(table: MountTable, dir: string): string[] {
  const prefix = dir === '/' ? '/' : `${dir}/`;
  return [...table.keys()].filter((d) => d.startsWith(prefix) && d !== dir).sort((a, b) => a.length - b.length);
}

/**
 * Extracts a `cp` tar into the directory `target` of the copy's view: entries under a volume or
 * bind below it go into that mount's directory (each extraction pinned in its own tree), the rest
 * into `target` — as Docker's extraction in the mounted view does. An entry naming a mount's own
 * top is left out (the mount stays as it is); a hard link across mounts and a write into a
 * read-only mount are refused.
 */
export async function extractInView(
  body: Readable,
  view: { rootfs: string; mounts: CopyMounts },
  target: { dir: FileHandle; resolved: string },
  opts: ExtractOptions,
): Promise<void> {
  const under = mountsUnder(view.mounts.table, target.resolved);
  if (under.length === 0) {
    await extractLayer(body, fdPath(target.dir), opts);
    return;
  }
  const dirs: Array<{ dest: string; sp: ScopedPath }> = [];
  try {
    for (const dest of under) {
      const sp = await resolveInRoot(view.rootfs, dest, false, view.mounts.table);
      if (sp.name === '') dirs.push({ dest, sp });
      else await sp.close(); // a file bind: not a directory to extract into
    }
    const writers = [tarWriter(), ...dirs.map(() => tarWriter())];
    const roots = [fdPath(target.dir), ...dirs.map((d) => fdPath(d.sp.dir))];
    const extracting = writers.map((w, i) => extractLayer(w.stream, roots[i]!, opts));
    const base = target.resolved === '/' ? '' : target.resolved;
    const split = splitTar(body, writers, (name) => {
      let clean: string;
      try {
        clean = cleanEntryPath(name);
      } catch {
        return { to: 0, name }; // climbing out: its extraction refuses it
      }
      const full = `${base}/${clean}`;
      for (let i = dirs.length - 1; i >= 0; i--) {
        const dest = dirs[i]!.dest;
        if (full === dest) return null;
        if (!full.startsWith(`${dest}/`)) continue;
        checkWritableMount(view.mounts, dest);
        return { to: i + 1, name: `${full.slice(dest.length + 1)}${name.endsWith('/') ? '/' : ''}` };
      }
      return { to: 0, name };
    });
    const results = await Promise.allSettled([split, ...extracting]);
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    // The first cause, not an extraction cut short by it.
    if (failures.length > 0) throw failures.find((e) => e instanceof BerthError) ?? failures[0];
  } finally {
    for (const d of dirs) await d.sp.close();
  }
}
