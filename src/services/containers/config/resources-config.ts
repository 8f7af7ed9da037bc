import type { HostConfig } from '../../../core/containers.js';
import type { CgroupFeatures } from '../../../lib/cgroups/features.js';
import { invalidArgument } from '../../../lib/errdefs.js';
import { parseDeviceCgroupRule } from '../spec/devices.js';

/**
 * Docker's create-time checks of the resource settings that depend on the host
 * (`verifyPlatformContainerResources`, `validateResources`): what the host cannot do is a
 * warning and discarded (swappiness on cgroup v2) or a 400 (the real-time scheduler), in
 * Docker's words. Returns the create's warnings; `hc` is completed in place.
 */
export function checkHostResources(hc: HostConfig, host: CgroupFeatures): string[] {
  const warnings: string[] = [];
  for (const rule of hc.DeviceCgroupRules ?? []) parseDeviceCgroupRule(rule);
  const swappiness = hc.MemorySwappiness;
  if (swappiness !== undefined && swappiness !== null && !host.memorySwappiness) {
    // Only a setting that asks for something is worth a warning (-1 is "the default").
    if (swappiness !== -1)
      warnings.push('Your kernel does not support memory swappiness capabilities or the cgroup is not mounted. Memory swappiness discarded.');
    hc.MemorySwappiness = null;
  } else if (swappiness !== undefined && swappiness !== null && swappiness !== -1 && (swappiness < 0 || swappiness > 100)) {
    throw invalidArgument(`Invalid value: ${swappiness}, valid memory swappiness range is 0-100`);
  }
  const period = hc.CpuRealtimePeriod ?? 0;
  const runtime = hc.CpuRealtimeRuntime ?? 0;
  if ((period !== 0 || runtime !== 0) && !host.cpuRealtime) throw invalidArgument('kernel does not support CPU real-time scheduler');
  if (period !== 0 && runtime !== 0 && runtime > period) throw invalidArgument('cpu real-time runtime cannot be higher than cpu real-time period');
  return warnings;
}
