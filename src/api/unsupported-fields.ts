import { invalidArgument } from '../lib/errdefs.js';

/**
 * HostConfig fields of `POST /containers/create` that berth does not implement. A client that sets
 * one to anything but its "unset" value gets a 400 naming the field, never a container that
 * silently lacks it. (Implementing a field means taking it off this list.)
 */
const UNSUPPORTED_HOST_CONFIG: Record<string, (v: unknown) => boolean> = {
  DeviceRequests: empty,
  BlkioWeightDevice: empty,
  BlkioDeviceReadBps: empty,
  BlkioDeviceWriteBps: empty,
  BlkioDeviceReadIOps: empty,
  BlkioDeviceWriteIOps: empty,
  CpusetMems: empty,
  CpuCount: empty,
  CpuPercent: empty,
  IOMaximumIOps: empty,
  IOMaximumBandwidth: empty,
  KernelMemory: empty,
  KernelMemoryTCP: empty,
  StorageOpt: empty,
  Isolation: (v) => empty(v) || v === 'default',
  Cgroup: empty,
};

/** null, undefined, '', 0, false, [] and {} are "not set". */
function empty(v: unknown): boolean {
  if (v === null || v === undefined || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}

/** Throws InvalidArgument for the first HostConfig field set that berth would ignore. */
export function rejectUnsupportedHostConfig(hc: Record<string, unknown> | undefined): void {
  for (const [field, unset] of Object.entries(UNSUPPORTED_HOST_CONFIG)) {
    if (hc !== undefined && !unset(hc[field])) throw invalidArgument(`HostConfig.${field} is not supported by berth`);
  }
}
