import type { Volume } from '../../core/volumes.js';

/** A volume as Docker's API shows it: its fields in Docker's order, nothing of berth's own. */
export function toVolume(v: Volume): Volume {
  return { CreatedAt: v.CreatedAt, Driver: v.Driver, Labels: v.Labels, Mountpoint: v.Mountpoint, Name: v.Name, Options: v.Options, Scope: v.Scope };
}
