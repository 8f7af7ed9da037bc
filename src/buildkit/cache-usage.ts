import type { Image } from '../core/images.js';
import { readJsonIfExists } from '../lib/atomic-file.js';
import { sha256, type Digest } from '../lib/digest.js';
import { hasDescendants, isAncestor } from '../services/images/lineage.js';
import { removeImage } from '../services/images/remove.js';
import type { ImageDeps } from '../services/images/deps.js';

/** One record of the build cache as BuildKit's DiskUsage and Prune report it. */
export interface CacheUsage {
  id: string;
  image: Image;
  size: number;
  createdAt: Date;
  description: string;
  inUse: boolean;
  /** Its image lives on in a named image (or is one): removing the record frees nothing. */
  shared: boolean;
}

/**
 * The classic builder's cache (`builder/cache.json`: step key → image(s)) read as records, so
 * `docker buildx du` and `docker builder prune` over gRPC see the one cache both builders use.
 * The file is read rather than the live map: the cache writes it at every change.
 */
export async function cacheUsage(deps: ImageDeps, cacheFile: string): Promise<CacheUsage[]> {
  const saved = (await readJsonIfExists<Record<string, Digest | Array<{ image: Digest }>>>(cacheFile)) ?? {};
  const images = deps.images.list();
  const byId = new Map(images.map((i) => [i.id, i]));
  const named = images.filter((i) => i.names.length > 0);
  const used = new Set(deps.containers.all().map((c) => c.Image));
  const out: CacheUsage[] = [];
  const seen = new Set<string>();
  for (const [key, v] of Object.entries(saved)) {
    for (const id of typeof v === 'string' ? [v] : v.map((e) => e.image)) {
      const image = byId.get(id);
      if (image === undefined || seen.has(id)) continue;
      seen.add(id);
      const history = image.config.history ?? [];
      const last = history.at(-1);
      const layer = last !== undefined && !last.empty_layer ? image.config.rootfs.diff_ids.at(-1) : undefined;
      out.push({
        id: sha256(`${key}\n${id}`)
          .replace(/^sha256:/, '')
          .slice(0, 25),
        image,
        size: layer === undefined ? 0 : ((await deps.content.info(layer))?.size ?? 0),
        createdAt: new Date(image.config.created ?? 0),
        description: last?.created_by ?? '',
        inUse: used.has(id),
        shared: named.some((n) => n.id === id || isAncestor(image, n)),
      });
    }
  }
  return out;
}

/**
 * Prunes the build cache: the records' images that nothing else keeps (unnamed, not an ancestor of
 * a named image, unused by containers) are removed, leaves first. `all` changes nothing more:
 * an image a name keeps is never removed by a cache prune. Returns the records removed.
 */
export async function pruneCache(deps: ImageDeps, cacheFile: string): Promise<CacheUsage[]> {
  const records = (await cacheUsage(deps, cacheFile)).filter((r) => !r.shared && !r.inUse);
  const removed: CacheUsage[] = [];
  for (let progress = true; progress;) {
    progress = false;
    const all = deps.images.list();
    for (const r of records) {
      if (removed.includes(r) || !all.some((i) => i.id === r.image.id) || hasDescendants(r.image, all)) continue;
      await removeImage(deps, r.image.id, { force: true, noprune: true });
      removed.push(r);
      progress = true;
    }
  }
  return removed;
}
