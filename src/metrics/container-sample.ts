import type { ContainerRecord } from '../core/containers.js';
import { readStats, type StatsReading } from '../services/containers/stats.js';

export interface ContainerSample {
  rec: ContainerRecord;
  /** Empty (no cgroup) for a container that is not running. */
  stats: StatsReading;
}

/**
 * One reading of every container per scrape: prom-client collects its metrics in parallel, so
 * each collector awaits the same reading (taken once, reused while younger than `maxAgeMs`)
 * instead of reading the cgroup files once per metric.
 */
export class ContainerSampler {
  private last: { at: number; samples: Promise<ContainerSample[]> } | undefined;

  constructor(
    private readonly containers: () => ContainerRecord[],
    private readonly maxAgeMs = 500,
  ) {}

  sample(): Promise<ContainerSample[]> {
    const now = Date.now();
    if (this.last === undefined || now - this.last.at > this.maxAgeMs) {
      this.last = { at: now, samples: Promise.all(this.containers().map(async (rec) => ({ rec, stats: await readStats(rec) }))) };
    }
    return this.last.samples;
  }
}
