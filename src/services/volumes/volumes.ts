import { randomBytes } from 'node:crypto';
import { conflict, invalidArgument, isKind } from '../../lib/errdefs.js';
import { ANONYMOUS_LABEL, type Volume } from '../../core/volumes.js';
import { matchLabels, matchPattern, type Filters } from '../../lib/filters.js';
import { dirSize } from '../../lib/fs/du.js';
import { volumeUsers, type VolumeDeps } from './deps.js';

export const LIST_FILTERS = ['dangling', 'name', 'label', 'driver'];
export const PRUNE_FILTERS = ['label', 'label!', 'all'];

export interface CreateVolumeRequest {
  Name?: string;
  Driver?: string;
  DriverOpts?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

/** `volume create`: a generated 64-hex name when none is given; only the `local` driver exists. */
export async function createVolume(deps: VolumeDeps, req: CreateVolumeRequest): Promise<Volume> {
  const driver = req.Driver || 'local';
  if (driver !== deps.driver.name) throw invalidArgument(`error looking up volume plugin ${driver}: plugin "${driver}" not found`);
  const name = req.Name || randomBytes(32).toString('hex');
  const v = await deps.driver.create(name, { labels: req.Labels ?? null, options: req.DriverOpts ?? null });
  // dockerd logs `create` for an existing volume too (a second `volume create`, `run -v name:/x`).
  deps.events.publish('volume', 'create', name, { driver });
  return v;
}

/** An anonymous volume for `-v /path` or an image's VOLUME (Docker labels it). */
export function createAnonymousVolume(deps: VolumeDeps): Promise<Volume> {
  return createVolume(deps, { Labels: { [ANONYMOUS_LABEL]: '' } });
}

function truthy(v: string): boolean {
  if (['1', 'true', 'True', 'TRUE'].includes(v)) return true;
  if (['0', 'false', 'False', 'FALSE'].includes(v)) return false;
  throw invalidArgument(`invalid filter 'dangling=${v}'`);
}

/** `volume ls`: Docker's filters (dangling, name as a regexp, label, driver), sorted by name. */
export function listVolumes(deps: VolumeDeps, filters: Filters): Volume[] {
  const dangling = filters.get('dangling')?.map(truthy);
  return deps.driver
    .list()
    .filter((v) => !dangling || dangling.includes(volumeUsers(deps, v.Name).length === 0))
    .filter((v) => !filters.has('name') || filters.get('name')!.some((n) => matchPattern(n, v.Name)))
    .filter((v) => !filters.has('driver') || filters.get('driver')!.includes(v.Driver))
    .filter((v) => !filters.has('label') || matchLabels(v.Labels, filters.get('label')!))
    .sort((a, b) => a.Name.localeCompare(b.Name));
}

/** `volume rm`: 409 while a container mounts it; `force` ignores a missing volume. */
export async function removeVolume(deps: VolumeDeps, name: string, opts: { force?: boolean } = {}): Promise<void> {
  if (deps.driver.get(name) === undefined && opts.force) return;
  const users = volumeUsers(deps, name);
  if (users.length > 0) throw conflict(`remove ${name}: volume is in use - [${users.join(', ')}]`);
  await deps.driver.remove(name);
  deps.events.publish('volume', 'destroy', name, { driver: deps.driver.name });
}

/** Removes a container's anonymous volume unless another container still uses it (Docker ignores "in use" there). */
export async function removeIfUnused(deps: VolumeDeps, name: string): Promise<void> {
  try {
    await removeVolume(deps, name, { force: true });
  } catch (err) {
    if (!isKind(err, 'Conflict')) throw err;
  }
}

/**
 * `volume prune`: unused volumes — anonymous ones only unless `all` (API ≥ 1.42 semantics; the
 * route sets `all` for older API versions, as Docker does), filtered by label / label!.
 */
export async function pruneVolumes(deps: VolumeDeps, filters: Filters): Promise<{ VolumesDeleted: string[]; SpaceReclaimed: number }> {
  const all = (filters.get('all') ?? []).some(truthy);
  const deleted: string[] = [];
  let space = 0;
  for (const v of deps.driver.list()) {
    if (!all && !(v.Labels && ANONYMOUS_LABEL in v.Labels)) continue;
    if (filters.has('label') && !matchLabels(v.Labels, filters.get('label')!)) continue;
    if (filters.has('label!') && filters.get('label!')!.some((l) => matchLabels(v.Labels, [l]))) continue;
    if (volumeUsers(deps, v.Name).length > 0) continue;
    const size = await deps.driver.size(v.Name);
    await removeVolume(deps, v.Name);
    deleted.push(v.Name);
    space += size;
  }
  return { VolumesDeleted: deleted, SpaceReclaimed: space };
}

/** `system df`: every volume with the size of its data and how many containers use it. */
export async function volumeDiskUsage(deps: VolumeDeps): Promise<Array<{ volume: Volume; size: number; refCount: number }>> {
  return Promise.all(
    deps.driver.list().map(async (volume) => ({
      volume,
      size: await dirSize(volume.Mountpoint).catch(() => -1),
      refCount: volumeUsers(deps, volume.Name).length,
    })),
  );
}
