import type { ContainerRecord } from '../../core/containers.js';
import { resolveInRoot, ScopedPathError, type MountTable } from '../../lib/fs/scoped-path.js';
import { invalidArgument } from '../../lib/errdefs.js';

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
