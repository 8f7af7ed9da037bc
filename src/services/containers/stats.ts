import { availableParallelism, totalmem } from 'node:os';
import { type ContainerRecord, isLive } from '../../core/containers.js';
import { readCgroupSample, readNetDev, systemCpuUsage, type CgroupSample, type NetDevCounters } from '../../lib/cgroups/stats.js';
import type { ContainerDeps } from './deps.js';

/** One stats reading: the cgroup counters, network counters and the host's CPU time. */
export interface StatsReading {
  time: Date;
  cgroup?: CgroupSample;
  networks?: Record<string, NetDevCounters>;
  systemCpu: number;
  onlineCpus: number;
  /** The host's memory (MemTotal): Docker's memory limit of a container that has none. */
  hostMemory: number;
}

/** Reads a container's counters now; a stopped container (or one that just exited) reads as empty. */
export async function readStats(rec: ContainerRecord): Promise<StatsReading> {
  const base = { time: new Date(), systemCpu: await systemCpuUsage(), onlineCpus: availableParallelism(), hostMemory: totalmem() };
  if (!isLive(rec) || rec.State.Pid <= 0) return base;
  try {
    return {
      ...base,
      cgroup: await readCgroupSample(rec.State.Pid),
      networks: rec.HostConfig.NetworkMode === 'host' ? undefined : await readNetDev(rec.State.Pid),
    };
  } catch {
    return base; // exited between the check and the read
  }
}

/**
 * Calls `emit(current, previous)` every `intervalMs` while `active()` holds (streaming stats),
 * or once after one interval (so CPU percentages have a previous reading), Docker's way.
 */
export async function collectStats(
  deps: Pick<ContainerDeps, 'store'>,
  ref: string,
  opts: { stream: boolean; oneShot: boolean; intervalMs?: number; active: () => boolean },
  emit: (rec: ContainerRecord, cur: StatsReading, prev: StatsReading | undefined) => Promise<void>,
): Promise<void> {
  const rec = deps.store.get(ref);
  const interval = opts.intervalMs ?? 1000;
  let prev: StatsReading | undefined;
  if (!opts.stream && !opts.oneShot && isLive(rec)) {
    prev = await readStats(rec);
    await new Promise((r) => setTimeout(r, interval));
  }
  for (;;) {
    const cur = await readStats(rec);
    await emit(rec, cur, prev);
    if (!opts.stream || !opts.active() || !isLive(rec)) return;
    prev = cur;
    await new Promise((r) => setTimeout(r, interval));
    if (!opts.active()) return;
  }
}
