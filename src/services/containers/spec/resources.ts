import { availableParallelism } from 'node:os';
import { invalidArgument } from '../../../lib/errdefs.js';
import type { HostConfig } from '../../../core/containers.js';
import type { LinuxCPU, LinuxMemory, LinuxResources } from '../../../lib/oci/runtime-spec.js';
import type { SpecOption } from './types.js';

/** The CFS period Docker uses to express --cpus (100 ms, in µs). */
export const NANO_CPUS_PERIOD = 100_000;
/** Docker's smallest allowed memory limit. */
export const MIN_MEMORY = 6 * 1024 * 1024;

/**
 * cgroupsPath `<parent>/<id>`, the parent `/berth` unless HostConfig.CgroupParent names one. It
 * must be absolute: runc nests a relative path under its caller's own cgroup per controller,
 * which would tie containers to berthd's (service) cgroup.
 */
export const withCgroupsPath: SpecOption = (spec, ctx) => {
  (spec.linux ??= {}).cgroupsPath = `${cgroupParentPath(ctx.record.HostConfig.CgroupParent)}/${ctx.record.Id}`;
};

/**
 * A cgroup parent as a cgroupfs path: `/a/b` as is (a relative one from the root), a systemd
 * slice expanded as systemd nests it (`kubepods-burstable-pod1.slice` →
 * `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice`); '' is `/berth`.
 */
export function cgroupParentPath(parent: string | undefined): string {
  if (!parent) return CGROUP_PARENT;
  if (parent.endsWith('.slice') && !parent.includes('/')) {
    const parts = parent.slice(0, -'.slice'.length).split('-');
    if (parts.some((p) => p === '')) throw invalidArgument(`invalid slice name: ${parent}`);
    return parts.map((_, i) => `/${parts.slice(0, i + 1).join('-')}.slice`).join('');
  }
  const norm = `/${parent}`.replace(/\/+/g, '/').replace(/\/$/, '');
  if (norm.split('/').includes('..')) throw invalidArgument(`invalid cgroup parent: ${parent}`);
  return norm === '' ? CGROUP_PARENT : norm;
}

/** The cgroup every container's sits in. */
export const CGROUP_PARENT = '/berth';

/**
 * Memory with Docker's swap semantics (MemorySwap is memory+swap): -1 unlimited, 0 → twice the
 * memory, otherwise as given (not below Memory). Without Memory, swap settings are ignored
 * except a positive MemorySwap, which Docker rejects. Validation messages are Docker's.
 */
export function memoryResources(hc: HostConfig): LinuxMemory | undefined {
  const memory = hc.Memory ?? 0;
  const swap = hc.MemorySwap ?? 0;
  if (memory === 0) {
    if (swap > 0) throw invalidArgument('You should always set the Memory limit when using Memoryswap limit, see usage');
    return undefined;
  }
  if (memory < MIN_MEMORY) throw invalidArgument('Minimum memory limit allowed is 6MB');
  if (swap > 0 && swap < memory) {
    throw invalidArgument('Minimum memoryswap limit should be larger than memory limit, see usage');
  }
  return { limit: memory, swap: swap === 0 ? 2 * memory : swap < 0 ? -1 : swap };
}

/**
 * CPU: shares; --cpus (NanoCpus) as quota over a 100 ms period, exclusive with explicit
 * CpuQuota/CpuPeriod; cpuset. Validation messages are Docker's.
 */
export function cpuResources(hc: HostConfig, hostCpus = availableParallelism()): LinuxCPU | undefined {
  const cpu: LinuxCPU = {};
  const nano = hc.NanoCpus ?? 0;
  const quota = hc.CpuQuota ?? 0;
  const period = hc.CpuPeriod ?? 0;
  if (hc.CpuShares && hc.CpuShares > 0) cpu.shares = hc.CpuShares;
  if (nano > 0) {
    if (period > 0) throw invalidArgument('Conflicting options: Nano CPUs and CPU Period cannot both be set');
    if (quota > 0) throw invalidArgument('Conflicting options: Nano CPUs and CPU Quota cannot both be set');
    if (nano < 1e7 || nano > hostCpus * 1e9) {
      throw invalidArgument(`Range of CPUs is from 0.01 to ${hostCpus}.00, as there are only ${hostCpus} CPUs available`);
    }
    cpu.period = NANO_CPUS_PERIOD;
    cpu.quota = Math.floor((nano * NANO_CPUS_PERIOD) / 1e9);
  }
  if (period > 0) {
    if (period < 1000 || period > 1_000_000) {
      throw invalidArgument('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)');
    }
    cpu.period = period;
  }
  if (quota > 0) {
    if (quota < 1000) throw invalidArgument('CPU cfs quota can not be less than 1ms (i.e. 1000)');
    cpu.quota = quota;
  }
  if (hc.CpusetCpus) cpu.cpus = hc.CpusetCpus;
  if (hc.CpusetMems) cpu.mems = hc.CpusetMems;
  return Object.keys(cpu).length > 0 ? cpu : undefined;
}

/**
 * linux.resources from HostConfig: memory (swappiness too), cpu (real-time too), pids (a positive PidsLimit; 0/-1/null mean
 * unlimited). Leaves other resource fields (devices) alone.
 */
export const withResources: SpecOption = (spec, ctx) => {
  const hc = ctx.record.HostConfig;
  const resources: LinuxResources = ((spec.linux ??= {}).resources ??= {});
  const memory = memoryResources(hc);
  let cpu = cpuResources(hc);
  if (memory) resources.memory = memory;
  if (hc.MemoryReservation) (resources.memory ??= {}).reservation = hc.MemoryReservation;
  if (hc.OomKillDisable) (resources.memory ??= {}).disableOOMKiller = true;
  // Create has dropped it where the host has no swappiness (cgroup v2); -1 is the kernel's default.
  if (typeof hc.MemorySwappiness === 'number' && hc.MemorySwappiness >= 0) (resources.memory ??= {}).swappiness = hc.MemorySwappiness;
  if (hc.BlkioWeight) {
    if (hc.BlkioWeight < 10 || hc.BlkioWeight > 1000) throw invalidArgument('Range of blkio weight is from 10 to 1000');
    resources.blockIO = { weight: hc.BlkioWeight };
  }
  if (hc.CpuRealtimePeriod) (cpu ??= {}).realtimePeriod = hc.CpuRealtimePeriod;
  if (hc.CpuRealtimeRuntime) (cpu ??= {}).realtimeRuntime = hc.CpuRealtimeRuntime;
  if (cpu) resources.cpu = cpu;
  if (hc.PidsLimit && hc.PidsLimit > 0) resources.pids = { limit: hc.PidsLimit };
};
