import { statfs } from 'node:fs/promises';
import type { Image } from '../core/images.js';
import { invalidArgument } from '../lib/errdefs.js';
import type { Filters } from '../lib/filters.js';
import { matchPattern } from '../lib/filters.js';
import { parseUntil } from '../lib/until.js';
import { hasDescendants, isAncestor } from '../services/images/lineage.js';
import { layerBytes } from '../services/images/prune.js';
import { removeImage } from '../services/images/remove.js';
import { recordId, type CacheEntry } from './cache.js';
import type { CacheMountRecord } from './cache-mounts.js';
import type { BuilderDeps } from './deps.js';

/** The filters `POST /build/prune` reads (BuildKit's record fields; others are ignored, as Docker does). */
export const BUILD_PRUNE_FILTERS = ['until', 'unused-for', 'id', 'parent', 'type', 'description', 'inuse', 'shared', 'private'];

/** One build cache record as `system df` and prune see it (Docker's BuildCache shape, minus JSON names). */
export interface CacheRecord {
  id: string;
  key: string;
  entry: CacheEntry;
  image: Image;
  parent: string;
  description: string;
  size: number;
  inUse: boolean;
  /** Its image lives on in a named image or a container: pruning the record frees nothing. */
  shared: boolean;
}

export interface BuildPruneOptions {
  all: boolean;
  filters: Filters;
  /** Bytes of cache to keep (`reserved-space`, before API 1.48 `keep-storage`). */
  reservedSpace: number;
  maxUsedSpace: number;
  minFreeSpace: number;
}

export interface BuildPruneReport {
  CachesDeleted: string[] | null;
  SpaceReclaimed: number;
}

/** The cache entries whose images still exist, with what Docker reports about each. */
export async function cacheRecords(deps: BuilderDeps): Promise<CacheRecord[]> {
  const images = deps.images.images.list();
  const byId = new Map(images.map((i) => [i.id, i]));
  const named = images.filter((i) => i.names.length > 0);
  const used = new Set(deps.images.containers.all().map((c) => c.Image));
  const idOf = new Map<string, string>();
  for (const { key, entry } of deps.cache.list()) idOf.set(entry.image, recordId(key, entry.image));
  const out: CacheRecord[] = [];
  for (const { key, entry } of deps.cache.list()) {
    const image = byId.get(entry.image);
    if (image === undefined) continue;
    const history = image.config.history ?? [];
    const last = history.at(-1);
    const layer = last !== undefined && !last.empty_layer ? image.config.rootfs.diff_ids.at(-1) : undefined;
    const size = layer === undefined ? 0 : ((await deps.images.content.info(layer))?.size ?? 0);
    const parentImage = images.find((p) => isAncestor(p, image) && (p.config.history?.length ?? 0) === history.length - 1);
    out.push({
      id: idOf.get(image.id)!,
      key,
      entry,
      image,
      parent: parentImage === undefined ? '' : (idOf.get(parentImage.id) ?? ''),
      description: last?.created_by ?? '',
      size,
      inUse: used.has(image.id),
      shared: used.has(image.id) || named.some((n) => n.id === image.id || isAncestor(image, n)),
    });
  }
  return out;
}

/**
 * `docker builder prune`: drops cache records (least recently used first), then removes the
 * images only they kept: dangling, unused by containers and with no image built on them. Without
 * `all`, records whose images live on (shared) stay, as BuildKit keeps shared records. With space
 * limits it stops as soon as they are met. SpaceReclaimed counts layer blobs freed.
 */
export async function pruneBuildCache(deps: BuilderDeps, opts: BuildPruneOptions): Promise<BuildPruneReport> {
  const match = recordFilter(opts.filters);
  const records = await cacheRecords(deps);
  let total = records.reduce((n, r) => n + r.size, 0);
  const candidates = records
    .filter((r) => (opts.all || !r.shared) && !r.inUse && match(r))
    .sort((a, b) => Date.parse(a.entry.lastUsedAt ?? a.entry.createdAt) - Date.parse(b.entry.lastUsedAt ?? b.entry.createdAt));
  const limited = opts.reservedSpace > 0 || opts.maxUsedSpace > 0 || opts.minFreeSpace > 0;
  const free = async (): Promise<number> => {
    const s = await statfs(deps.scratch);
    return s.bavail * s.bsize;
  };
  const stillOver = async (): Promise<boolean> => {
    if (!limited) return true;
    if (opts.maxUsedSpace > 0 && total > opts.maxUsedSpace) return true;
    if (opts.minFreeSpace > 0) return total > opts.reservedSpace && (await free()) < opts.minFreeSpace;
    return opts.maxUsedSpace === 0 && total > opts.reservedSpace;
  };
  const before = await layerBytes(deps.images);
  const deleted: CacheRecord[] = [];
  for (const r of candidates) {
    if (!(await stillOver())) break;
    await deps.cache.delete([{ key: r.key, image: r.image.id }]);
    deleted.push(r);
    total -= r.size;
    await removeOrphans(deps, deleted);
  }
  const after = await layerBytes(deps.images);
  let space = 0;
  for (const [digest, size] of before) if (!after.has(digest)) space += size;
  const ids = deleted.map((r) => r.id);
  // Cache mounts are never shared: dropped by any prune their filters allow (space limits aside).
  if (!limited || (await stillOver())) {
    const mountMatch = cacheMountFilter(opts.filters);
    const mounts = (await deps.cache.mounts.list()).filter((m) => !m.inUse && mountMatch(m));
    space += await deps.cache.mounts.remove(mounts);
    ids.push(...mounts.map((m) => m.id));
    // The kept contexts (BuildKit's `source.local` records) hold no images: they go with any prune of their type.
    if (keptContextsMatch(opts.filters)) space += await deps.cache.contexts.prune();
  }
  return { CachesDeleted: ids.length > 0 ? ids : null, SpaceReclaimed: space };
}

/** Removes the images of dropped records that nothing else keeps (leaves first, until none is left). */
async function removeOrphans(deps: BuilderDeps, dropped: CacheRecord[]): Promise<void> {
  for (;;) {
    const all = deps.images.images.list();
    const used = new Set(deps.images.containers.all().map((c) => c.Image));
    const cached = new Set(deps.cache.list().map((r) => r.entry.image));
    const victim = dropped.find((r) => {
      const img = all.find((i) => i.id === r.image.id);
      return img !== undefined && img.names.length === 0 && !used.has(img.id) && !cached.has(img.id) && !hasDescendants(img, all);
    });
    if (victim === undefined) return;
    await removeImage(deps.images, victim.image.id, { force: true, noprune: true });
  }
}

/** Whether a prune's filters take in the kept contexts: no filter on a field they have no value for, and their type. */
function keptContextsMatch(filters: Filters): boolean {
  const type = filters.get('type')?.[0];
  return (
    (type === undefined || type === 'source.local') &&
    !['id', 'parent', 'description', 'until', 'unused-for'].some((f) => filters.has(f)) &&
    filters.get('inuse')?.[0] !== 'true'
  );
}

/** The filters that can say anything of a cache mount: its record type, ID, use and age. */
function cacheMountFilter(filters: Filters): (m: CacheMountRecord) => boolean {
  const type = filters.get('type')?.[0];
  const id = filters.get('id')?.[0];
  const untilRaw = (filters.get('unused-for') ?? filters.get('until'))?.[0];
  const until = untilRaw === undefined ? undefined : parseUntil(untilRaw);
  const inuse = filters.get('inuse')?.[0];
  return (m) =>
    (type === undefined || type === 'exec.cachemount') &&
    (id === undefined || matchPattern(id, m.id)) &&
    (until === undefined || Date.parse(m.lastUsedAt ?? m.createdAt) < until) &&
    (inuse === undefined || inuse === 'false') &&
    !filters.has('parent') &&
    !filters.has('description');
}

/** BuildKit's prune filters over the record fields; each takes one value ("filters expect only one value"). */
function recordFilter(filters: Filters): (r: CacheRecord) => boolean {
  if (filters.has('until') && filters.has('unused-for')) throw invalidArgument('conflicting filters: "until" and "unused-for"');
  const one = (name: string): string | undefined => {
    const v = filters.get(name);
    if (v === undefined || v.length === 0) return undefined;
    if (v.length > 1) throw invalidArgument('filters expect only one value');
    return v[0];
  };
  const untilKey = filters.has('unused-for') ? 'unused-for' : 'until';
  const untilRaw = one(untilKey);
  let until: number | undefined;
  if (untilRaw !== undefined) {
    try {
      until = parseUntil(untilRaw);
    } catch (err) {
      throw invalidArgument(`"${untilKey}" filter expects a duration (e.g., '24h') or a timestamp: ${(err as Error).message}`);
    }
  }
  const flag = (name: string): boolean | undefined => (filters.has(name) ? (one(name) ?? 'true') === 'true' : undefined);
  const id = one('id');
  const parent = one('parent');
  const type = one('type');
  const description = one('description');
  const inuse = flag('inuse');
  const shared = flag('shared');
  const priv = flag('private');
  return (r) =>
    (until === undefined || Date.parse(r.entry.lastUsedAt ?? r.entry.createdAt) < until) &&
    (id === undefined || matchPattern(id, r.id)) &&
    (parent === undefined || r.parent === parent) &&
    (type === undefined || type === 'regular') &&
    (description === undefined || r.description === description) &&
    (inuse === undefined || r.inUse === inuse) &&
    (shared === undefined || r.shared === shared) &&
    (priv === undefined || !r.shared === priv);
}
