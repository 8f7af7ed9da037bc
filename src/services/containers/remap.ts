import type { ContainerRecord } from '../../core/containers.js';
import type { RemapOptions } from '../../core/snapshots.js';
import { toHostId } from '../../lib/fs/shift-ids.js';
import type { ContainerDeps } from './deps.js';

/**
 * The re-owning a container's rootfs gets under userns-remap (undefined without remapping or
 * with `--userns=host`). Every mount of the container's snapshot uses it, so the container, cp
 * and export all see the same owners.
 */
export function remapOf(deps: Pick<ContainerDeps, 'security'>, rec: ContainerRecord): RemapOptions | undefined {
  const remap = deps.security?.remap;
  if (remap === undefined || rec.HostConfig.UsernsMode === 'host') return undefined;
  return { key: remap.key, uids: remap.uidMappings, gids: remap.gidMappings };
}

/** The host uid/gid of the container's root under `remap`. */
export function remappedRoot(remap: RemapOptions): { uid: number; gid: number } {
  return { uid: toHostId(0, remap.uids) ?? 0, gid: toHostId(0, remap.gids) ?? 0 };
}
