import type { ContainerRecord } from '../../core/containers.js';
import type { StatsReading } from '../../services/containers/stats.js';
import type { CpuStats, StatsResponse } from '../types/stats.js';

const ZERO_TIME = '0001-01-01T00:00:00Z';

function cpuStats(r: StatsReading | undefined): CpuStats {
  const c = r?.cgroup?.cpu;
  return {
    cpu_usage: {
      total_usage: c?.total ?? 0,
      percpu_usage: c?.percpu.length ? c.percpu : undefined,
      usage_in_kernelmode: c?.system ?? 0,
      usage_in_usermode: c?.user ?? 0,
    },
    system_cpu_usage: r?.cgroup ? r.systemCpu : undefined,
    online_cpus: r?.cgroup ? r.onlineCpus : undefined,
    throttling_data: { periods: c?.periods ?? 0, throttled_periods: c?.throttledPeriods ?? 0, throttled_time: c?.throttledTime ?? 0 },
  };
}

/**
 * dockerd's limit: a container without one (cgroup v1's ~8 EiB "unlimited", v2's `max`, read as 0)
 * and one above the host's memory report the host's memory.
 */
function memoryLimit(limit: number, host: number): number {
  return host > 0 && (limit === 0 || limit > host) ? host : limit;
}

/** Docker's stats JSON from two readings (the previous one gives `precpu_stats`). */
export function toStats(rec: ContainerRecord, cur: StatsReading, prev: StatsReading | undefined): StatsResponse {
  const g = cur.cgroup;
  return {
    read: g ? cur.time.toISOString() : ZERO_TIME,
    preread: prev?.cgroup ? prev.time.toISOString() : ZERO_TIME,
    pids_stats: g ? { current: g.pids.current, ...(g.pids.limit > 0 ? { limit: g.pids.limit } : {}) } : {},
    blkio_stats: { io_service_bytes_recursive: g ? g.blkio : null },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpuStats(cur),
    precpu_stats: cpuStats(prev),
    memory_stats: g ? { usage: g.memory.usage, max_usage: g.memory.maxUsage, stats: g.memory.stats, limit: memoryLimit(g.memory.limit, cur.hostMemory) } : {},
    name: `/${rec.Name}`,
    id: rec.Id,
    ...(g && cur.networks ? { networks: cur.networks } : {}),
  };
}
