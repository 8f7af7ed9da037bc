import type { MountPoint as RecordedMount } from '../../core/volumes.js';
import type { MountPoint } from '../types/containers.js';

/**
 * A container's mounts as Docker reports them (`Mounts` in inspect and list): Name and Driver
 * only for volumes (Go's omitempty), berth's own bookkeeping fields dropped, in destination order.
 */
export function toMountPoints(mounts: RecordedMount[] | undefined): MountPoint[] {
  return [...(mounts ?? [])]
    .sort((a, b) => a.Destination.localeCompare(b.Destination))
    .map((m) => ({
      Type: m.Type,
      ...(m.Name ? { Name: m.Name } : {}),
      Source: m.Source,
      Destination: m.Destination,
      ...(m.Driver ? { Driver: m.Driver } : {}),
      Mode: m.Mode,
      RW: m.RW,
      Propagation: m.Propagation,
    }));
}
