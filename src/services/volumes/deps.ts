import type { ContainerRecord } from '../../core/containers.js';
import type { VolumeDriver } from '../../core/volumes.js';
import type { EventBus } from '../events.js';

/** What the volume use cases need; wired once in daemon/main.ts. */
export interface VolumeDeps {
  driver: VolumeDriver;
  /** Every container record (any state): a volume they mount is in use. */
  containers: { all(): ContainerRecord[] };
  events: EventBus;
}

/** IDs of the containers that mount volume `name`, in any state (Docker counts stopped ones too). */
export function volumeUsers(deps: Pick<VolumeDeps, 'containers'>, name: string): string[] {
  return deps.containers
    .all()
    .filter((c) => (c.MountPoints ?? []).some((m) => m.Type === 'volume' && m.Name === name))
    .map((c) => c.Id);
}
