import type { Stats } from 'node:fs';
import { chmod, chown, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno } from '../lib/errdefs.js';
import { mapLimit } from '../lib/map-limit.js';

/**
 * The modes of the data root and of what holds layers, container upper dirs, image content,
 * container dirs and volumes — Docker's (20.10.9+): nothing under the data root is open to other
 * users. Container processes never need these host paths (runc mounts the rootfs as root before it
 * switches user; the rootfs' own `/` has the image's mode), except a remapped root (userns-remap),
 * which reaches `containers/<id>/rootfs` through the group (`0710 root:<remapped gid>`) and a
 * volume's `_data` through `volumes/` (0701: searchable, not listable).
 */
const MODES: [path: string, mode: number][] = [
  ['', 0o710],
  ['containers', 0o710],
  ['volumes', 0o701],
  ['content', 0o700],
  ['content/blobs', 0o700],
  ['content/blobs/sha256', 0o700],
  ['content/ingest', 0o700],
  ['snapshots', 0o700],
  ['snapshots/layers', 0o700],
  ['snapshots/active', 0o700],
  ['snapshots/l', 0o700],
  ['networks', 0o700],
  ['builder', 0o700],
  ['tmp', 0o700],
];

/** Directories the remapped root must pass through by group. */
const REMAP_GROUP = new Set(['', 'containers']);
/** Each entry of these is a per-container directory with the same mode as its parent. */
const PER_CONTAINER = { containers: 0o710, 'snapshots/active': 0o700 } as const;

export interface DataRootOwner {
  /** userns-remap: the group of the remapped root. */
  remapGid?: number;
}

/** The directory's status, or undefined when there is none. */
async function statDir(path: string): Promise<Stats | undefined> {
  try {
    const st = await lstat(path);
    return st.isDirectory() ? st : undefined;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
}

/** Sets a directory's mode (and owner) when it differs; a missing one is left for its creator. */
async function tighten(path: string, mode: number, gid?: number): Promise<void> {
  const st = await statDir(path);
  if (st === undefined) return;
  if (gid !== undefined && (st.uid !== 0 || st.gid !== gid)) await chown(path, 0, gid);
  if ((st.mode & 0o7777) !== mode) await chmod(path, mode);
}

/**
 * Brings the data root and its stores to Docker's modes — new installs and ones an older berth
 * made with 0711/0755 alike — and the exec root to 0700. Run at start, before the API listens.
 * Per-container directories are visited only while their parent still has an old mode (it is
 * fixed after them, so a crash half-way repeats the walk): a restart costs a few lstat calls.
 */
export async function tightenDataRoot(dataRoot: string, execRoot: string, owner: DataRootOwner = {}): Promise<void> {
  for (const [rel, mode] of Object.entries(PER_CONTAINER)) {
    const dir = join(dataRoot, rel);
    const st = await statDir(dir);
    if (st === undefined || (st.mode & 0o7777) === mode) continue;
    await mapLimit(await readdir(dir), 32, (e) => tighten(join(dir, e), mode));
  }
  for (const [rel, mode] of MODES) await tighten(join(dataRoot, rel), mode, REMAP_GROUP.has(rel) ? (owner.remapGid ?? 0) : undefined);
  await tighten(execRoot, 0o700);
}
