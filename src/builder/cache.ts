import { join } from 'node:path';
import { mkdirp, readJsonIfExists, writeJsonAtomic } from '../lib/atomic-file.js';
import { sha256, type Digest } from '../lib/digest.js';
import { CacheMounts } from './cache-mounts.js';
import { KeptContexts } from './kept-contexts.js';

/** One cached step: the image it produced and when it was made and last used. */
export interface CacheEntry {
  image: Digest;
  createdAt: string;
  lastUsedAt?: string;
  usageCount: number;
}

/** How many images one key remembers (a `--no-cache` rebuild adds one; `--cache-from` may want an older one). */
const PER_KEY = 4;

/**
 * The layer cache: key (parent image + resolved instruction + digests of copied sources) → the
 * images that step produced, newest first. Persisted (temp + rename) so it survives a daemon
 * restart; an entry whose image was removed is simply a miss. Uses are counted in memory and
 * written with the next change or `flush()` (once per build), not once per cached step.
 */
export class BuildCache {
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  /** `RUN --mount=type=cache` directories, beside the layer cache. */
  readonly mounts: CacheMounts;
  /** The last BuildKit context per shared key (only changed files cross again), beside the layer cache. */
  readonly contexts: KeptContexts;

  private constructor(
    private readonly file: string,
    private readonly entries: Map<string, CacheEntry[]>,
    dir: string,
  ) {
    this.mounts = new CacheMounts(join(dir, 'mounts'));
    this.contexts = new KeptContexts(join(dir, 'contexts'));
  }

  static async open(dir: string): Promise<BuildCache> {
    await mkdirp(dir, 0o700);
    const file = join(dir, 'cache.json');
    const saved = (await readJsonIfExists<Record<string, CacheEntry[] | Digest>>(file)) ?? {};
    const entries = new Map<string, CacheEntry[]>();
    // Older daemons stored one bare image ID per key.
    for (const [k, v] of Object.entries(saved)) entries.set(k, typeof v === 'string' ? [{ image: v, createdAt: new Date(0).toISOString(), usageCount: 0 }] : v);
    return new BuildCache(file, entries, dir);
  }

  /** The newest image cached for `key`. */
  get(key: string): Digest | undefined {
    return this.entries.get(key)?.[0]?.image;
  }

  /** Every image cached for `key`, newest first. */
  candidates(key: string): Digest[] {
    return (this.entries.get(key) ?? []).map((e) => e.image);
  }

  /** Every record (for `build/prune`). */
  list(): Array<{ key: string; entry: CacheEntry }> {
    return [...this.entries].flatMap(([key, list]) => list.map((entry) => ({ key, entry })));
  }

  /** Records a cache hit. */
  used(key: string, image: Digest): void {
    const e = this.entries.get(key)?.find((x) => x.image === image);
    if (e === undefined) return;
    e.lastUsedAt = new Date().toISOString();
    e.usageCount++;
    this.dirty = true;
  }

  async set(key: string, image: Digest): Promise<void> {
    const rest = (this.entries.get(key) ?? []).filter((e) => e.image !== image);
    this.entries.set(key, [{ image, createdAt: new Date().toISOString(), usageCount: 0 }, ...rest].slice(0, PER_KEY));
    await this.save();
  }

  async delete(records: Array<{ key: string; image: Digest }>): Promise<void> {
    for (const { key, image } of records) {
      const rest = (this.entries.get(key) ?? []).filter((e) => e.image !== image);
      if (rest.length > 0) this.entries.set(key, rest);
      else this.entries.delete(key);
    }
    await this.save();
  }

  /** Writes recorded uses, if any. */
  async flush(): Promise<void> {
    if (this.dirty) await this.save();
  }

  private async save(): Promise<void> {
    // Writes are serialised; each writes the whole (small) map.
    this.dirty = false;
    const write = (): Promise<void> => writeJsonAtomic(this.file, Object.fromEntries(this.entries));
    this.writing = this.writing.then(write, write);
    await this.writing;
  }
}

/** The cache key of one step. `parent` is the image the step starts from ('' for an empty scratch stage). */
export function cacheKey(parent: string, instruction: string, sources = ''): string {
  return sha256(`${parent}\n${instruction}\n${sources}`);
}

/** A record's ID in `build/prune` and `system df`: 25 characters, as BuildKit's record IDs are. */
export function recordId(key: string, image: Digest): string {
  return sha256(`${key}\n${image}`)
    .replace(/^sha256:/, '')
    .slice(0, 25);
}
