import type { ContainerSummary } from '../types/containers.js';
import type { BuildCacheRecord, VolumeUsage } from '../types/disk-usage.js';
import type { ImageSummary } from '../types/images.js';
import type { BuildCacheUsage } from '../../builder/usage.js';

/** The legacy lists of `GET /system/df`, as far as a request asked for them (`type`). */
export interface DiskUsageLists {
  LayersSize?: number;
  Images?: Array<ImageSummary & { SharedSize: number }>;
  Containers?: ContainerSummary[];
  Volumes?: VolumeUsage[];
  BuildCache?: BuildCacheRecord[];
}

/** Go's `omitempty` on the usage records: zero counts and sizes, and absent items, are left out. */
function omitEmpty(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== 0 && v !== undefined));
}

const live = (state: string): boolean => ['running', 'paused', 'restarting'].includes(state);

/**
 * The per-type summaries `GET /system/df` carries from API 1.52 (`ImagesUsage`, `ContainersUsage`,
 * `VolumesUsage`, `BuildCacheUsage`): counts, total and reclaimable bytes — reclaimable being what
 * the docker CLI computed itself before (bytes of unused images' own layers, stopped containers'
 * writable layers, unused volumes). `verbose` adds each type's items.
 */
export function diskUsageSummaries(l: DiskUsageLists, verbose: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (l.Images !== undefined) {
    const used = l.Images.filter((i) => i.Containers > 0);
    const usedBytes = used.reduce((n, i) => n + (i.Size - Math.max(i.SharedSize, 0)), 0);
    const total = l.LayersSize ?? 0;
    out.ImagesUsage = omitEmpty({
      ActiveImages: used.length,
      TotalImages: l.Images.length,
      TotalSize: total,
      Reclaimable: Math.max(total - usedBytes, 0),
      Items: verbose ? l.Images : undefined,
    });
  }
  if (l.Containers !== undefined) {
    const size = (cs: ContainerSummary[]): number => cs.reduce((n, c) => n + (c.SizeRw ?? 0), 0);
    out.ContainersUsage = omitEmpty({
      ActiveContainers: l.Containers.filter((c) => live(c.State)).length,
      TotalContainers: l.Containers.length,
      TotalSize: size(l.Containers),
      Reclaimable: size(l.Containers.filter((c) => !live(c.State))),
      Items: verbose ? l.Containers : undefined,
    });
  }
  if (l.Volumes !== undefined) {
    const size = (vs: VolumeUsage[]): number => vs.reduce((n, v) => n + Math.max(v.UsageData.Size, 0), 0);
    out.VolumesUsage = omitEmpty({
      ActiveVolumes: l.Volumes.filter((v) => v.UsageData.RefCount > 0).length,
      TotalVolumes: l.Volumes.length,
      TotalSize: size(l.Volumes),
      Reclaimable: size(l.Volumes.filter((v) => v.UsageData.RefCount <= 0)),
      Items: verbose ? l.Volumes : undefined,
    });
  }
  if (l.BuildCache !== undefined) {
    // As the docker CLI counted them: shared records' bytes belong to images; in-use ones cannot be reclaimed.
    const size = (bs: BuildCacheRecord[]): number => bs.reduce((n, b) => n + (b.Shared ? 0 : b.Size), 0);
    out.BuildCacheUsage = omitEmpty({
      ActiveBuildCacheRecords: l.BuildCache.filter((b) => b.InUse).length,
      TotalBuildCacheRecords: l.BuildCache.length,
      TotalSize: size(l.BuildCache),
      Reclaimable: size(l.BuildCache.filter((b) => !b.InUse)),
      Items: verbose ? l.BuildCache : undefined,
    });
  }
  return out;
}

/** A build cache record in Docker's shape; `parents` says whether the request's version has `Parents` (1.42) or `Parent`. */
export function toBuildCacheRecord(r: BuildCacheUsage, parents: boolean): BuildCacheRecord {
  return {
    ID: r.id,
    ...(parents ? (r.parents.length > 0 ? { Parents: r.parents } : {}) : r.parents[0] ? { Parent: r.parents[0] } : {}),
    Type: r.type,
    Description: r.description,
    InUse: r.inUse,
    Shared: r.shared,
    Size: r.size,
    CreatedAt: r.createdAt,
    LastUsedAt: r.lastUsedAt ?? null,
    UsageCount: r.usageCount,
  };
}
