// Docker's CPU % and memory figures from stats readings, shared by the container and stream
// routes. Below the routes; imports only services' stats types.
import type { StatsReading } from '../../services/containers/stats.js';

/** Docker's CPU %: the container's share of the host's CPU time between two readings, × CPUs. */
export function cpuPercent(cur: StatsReading, prev: StatsReading | undefined): number | null {
  if (!cur.cgroup || !prev?.cgroup) return null;
  const cpu = cur.cgroup.cpu.total - prev.cgroup.cpu.total;
  const system = cur.systemCpu - prev.systemCpu;
  if (system <= 0 || cpu < 0) return 0;
  return (cpu / system) * cur.onlineCpus * 100;
}

/** Memory as `docker stats` shows it: usage less the page cache; 0 limit = none. */
export function memoryOf(r: StatsReading): { usage: number; limit: number } | undefined {
  const m = r.cgroup?.memory;
  if (!m) return undefined;
  const cache = m.stats.total_inactive_file ?? m.stats.inactive_file ?? 0;
  return { usage: Math.max(0, m.usage - cache), limit: m.limit >= 2 ** 62 ? 0 : m.limit };
}

/**
 * The previous reading of each container, so a list refresh can show CPU % without waiting a
 * second per container; a reading older than a minute is not used.
 */
export class UsageTracker {
  private readonly last = new Map<string, StatsReading>();

  percent(id: string, cur: StatsReading): number | null {
    const prev = this.last.get(id);
    this.last.set(id, cur);
    if (prev !== undefined && cur.time.getTime() - prev.time.getTime() > 60_000) return null;
    return cpuPercent(cur, prev);
  }

  /** Drops readings of containers that no longer run. */
  keep(ids: Set<string>): void {
    for (const id of this.last.keys()) if (!ids.has(id)) this.last.delete(id);
  }
}
