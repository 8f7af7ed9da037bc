import { isLive, type ContainerRecord } from '../core/containers.js';
import type { CgroupSample } from '../lib/cgroups/stats.js';
import { dirUsage } from '../lib/fs/du.js';
import { readStats } from '../services/containers/stats.js';
import { criLabelsOf, matchesSelector, sandboxOf } from './container-labels.js';
import { metadataOf } from './container-status.js';
import type { CriDeps } from './deps.js';
import { FRESH_MS, type FsUsage } from './image-fs-info.js';

type U64 = { value: number };

export interface CriContainerStats {
  attributes: { id: string; metadata: { name: string; attempt: number }; labels: Record<string, string>; annotations: Record<string, string> };
  cpu: { timestamp: number; usage_core_nano_seconds: U64; usage_nano_cores: U64 } | null;
  memory: {
    timestamp: number;
    working_set_bytes: U64;
    available_bytes: U64;
    usage_bytes: U64;
    rss_bytes: U64;
    page_faults: U64;
    major_page_faults: U64;
  } | null;
  writable_layer: FsUsage;
}

export interface StatsFilter {
  id: string;
  pod_sandbox_id: string;
  label_selector: Record<string, string>;
}

/** A limit this large is no limit (cgroup v1 writes the page-rounded maximum). */
const UNLIMITED = 2 ** 62;

/** The container as the CRI shows it: its metadata, labels and annotations (container-labels.ts). */
function attributesOf(rec: ContainerRecord): CriContainerStats['attributes'] {
  return { id: rec.Id, metadata: metadataOf(rec), ...criLabelsOf(rec) };
}

/** Memory as the kubelet counts it (cadvisor's working set: usage less inactive file pages), cgroup v1 or v2 names. */
export function memoryOf(m: CgroupSample['memory'], timestamp: number): NonNullable<CriContainerStats['memory']> {
  const s = m.stats;
  const inactiveFile = s.total_inactive_file ?? s.inactive_file ?? 0;
  const workingSet = Math.max(0, m.usage - inactiveFile);
  const limited = m.limit > 0 && m.limit < UNLIMITED;
  return {
    timestamp,
    working_set_bytes: { value: workingSet },
    available_bytes: { value: limited ? Math.max(0, m.limit - workingSet) : 0 },
    usage_bytes: { value: m.usage },
    rss_bytes: { value: s.total_rss ?? s.anon ?? 0 },
    page_faults: { value: s.total_pgfault ?? s.pgfault ?? 0 },
    major_page_faults: { value: s.total_pgmajfault ?? s.pgmajfault ?? 0 },
  };
}

/**
 * `usage_nano_cores` as containerd computes it: the CPU time spent since the previous reading of
 * the same container or pod, over the time between the readings (0 on the first reading).
 */
export class CpuRate {
  private readonly last = new Map<string, { at: number; total: number }>();

  /** The rate at `at` (nanoseconds since the epoch) with `total` nanoseconds of CPU time used so far. */
  nanoCores(id: string, at: number, total: number): number {
    const prev = this.last.get(id);
    this.last.set(id, { at, total });
    if (prev === undefined || at <= prev.at || total < prev.total) return 0;
    return Math.round(((total - prev.total) / (at - prev.at)) * 1e9);
  }

  /** Forgets the readings of what is gone. */
  keepOnly(live: Set<string>): void {
    for (const id of this.last.keys()) if (!live.has(id)) this.last.delete(id);
  }
}

/** CpuUsage from a cgroup reading: the cumulative time and the rate since the previous reading of `id`. */
export function cpuOf(rate: CpuRate, id: string, cg: CgroupSample, timestamp: number): NonNullable<CriContainerStats['cpu']> {
  return { timestamp, usage_core_nano_seconds: { value: cg.cpu.total }, usage_nano_cores: { value: rate.nanoCores(id, timestamp, cg.cpu.total) } };
}

/**
 * `ContainerStats` and `ListContainerStats` from the cgroup files berth reads for `docker stats`
 * (services/containers/stats.ts). `usage_nano_cores` is the rate since the previous reading of
 * the same container (0 on the first, as containerd); the writable layer (the container's upper
 * directory) is measured at most every 10 s.
 */
export class ContainerStatsReader {
  private readonly cpu = new CpuRate();
  private readonly layers = new Map<string, { at: number; usage: Promise<FsUsage> }>();

  constructor(private readonly deps: Pick<CriDeps, 'containers' | 'imageFs'>) {}

  async one(req: { container_id: string }): Promise<{ stats: CriContainerStats }> {
    return { stats: await this.statsOf(this.deps.containers.store.get(req.container_id)) };
  }

  /** The running pod containers the filter selects (id prefix, sandbox, every selector label). */
  async list(req: { filter: StatsFilter | null }): Promise<{ stats: CriContainerStats[] }> {
    const f = req.filter;
    const recs = this.deps.containers.store.all().filter((rec) => {
      const sandbox = sandboxOf(rec);
      if (sandbox === undefined || !isLive(rec)) return false;
      if (f?.id && !rec.Id.startsWith(f.id)) return false;
      if (f?.pod_sandbox_id && sandbox !== f.pod_sandbox_id) return false;
      return matchesSelector(criLabelsOf(rec).labels, f?.label_selector);
    });
    const live = new Set(this.deps.containers.store.all().map((r) => r.Id));
    this.cpu.keepOnly(live);
    for (const id of this.layers.keys()) if (!live.has(id)) this.layers.delete(id);
    return { stats: await Promise.all(recs.map((rec) => this.statsOf(rec))) };
  }

  private async statsOf(rec: ContainerRecord): Promise<CriContainerStats> {
    const [reading, layer] = await Promise.all([readStats(rec), this.writableLayer(rec.Id)]);
    const timestamp = reading.time.getTime() * 1e6;
    const cg = reading.cgroup;
    return {
      attributes: attributesOf(rec),
      cpu: cg ? cpuOf(this.cpu, rec.Id, cg, timestamp) : null,
      memory: cg ? memoryOf(cg.memory, timestamp) : null,
      writable_layer: layer,
    };
  }

  private writableLayer(id: string): Promise<FsUsage> {
    const cached = this.layers.get(id);
    if (cached && Date.now() - cached.at <= FRESH_MS) return cached.usage;
    const upper = this.deps.containers.snapshotter.upperDir(id);
    const usage = dirUsage(upper).then(({ bytes, inodes }) => ({
      timestamp: Date.now() * 1e6,
      fs_id: { mountpoint: this.deps.imageFs },
      used_bytes: { value: bytes },
      inodes_used: { value: inodes },
    }));
    this.layers.set(id, { at: Date.now(), usage });
    usage.catch(() => this.layers.delete(id));
    return usage;
  }
}
