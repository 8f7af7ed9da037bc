import type { BuilderDeps } from './deps.js';
import { cacheRecords } from './prune.js';

/**
 * One record of the build cache as every view reports it (`system df`, BuildKit's DiskUsage for
 * `buildx du`, and what prune says it removed): a step's cached image (`regular`) or a
 * `RUN --mount=type=cache` directory (`exec.cachemount`, mutable).
 */
export interface BuildCacheUsage {
  id: string;
  parents: string[];
  type: 'regular' | 'exec.cachemount';
  mutable: boolean;
  description: string;
  inUse: boolean;
  shared: boolean;
  size: number;
  /** RFC 3339. */
  createdAt: string;
  lastUsedAt?: string;
  usageCount: number;
}

/** The whole build cache, steps first, then cache mounts: one list for every view of it. */
export async function buildCacheUsage(deps: BuilderDeps): Promise<BuildCacheUsage[]> {
  const steps = (await cacheRecords(deps)).map((r): BuildCacheUsage => ({
    id: r.id,
    parents: r.parent ? [r.parent] : [],
    type: 'regular',
    mutable: false,
    description: r.description,
    inUse: r.inUse,
    shared: r.shared,
    size: r.size,
    createdAt: r.entry.createdAt,
    ...(r.entry.lastUsedAt ? { lastUsedAt: r.entry.lastUsedAt } : {}),
    usageCount: r.entry.usageCount,
  }));
  const mounts = (await deps.cache.mounts.list()).map((m): BuildCacheUsage => ({
    id: m.id,
    parents: [],
    type: 'exec.cachemount',
    mutable: true,
    description: m.description,
    inUse: m.inUse,
    shared: false,
    size: m.size,
    createdAt: m.createdAt,
    ...(m.lastUsedAt ? { lastUsedAt: m.lastUsedAt } : {}),
    usageCount: m.usageCount,
  }));
  return [...steps, ...mounts];
}
