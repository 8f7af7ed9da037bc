import { join } from 'node:path';
import { mkdirp, readJsonIfExists, writeJsonAtomic } from '../lib/atomic-file.js';
import { sha256, type Digest } from '../lib/digest.js';

/**
 * The layer cache: key (parent image + resolved instruction + digests of copied sources) → the
 * image that step produced. Persisted (temp + rename) so it survives a daemon restart; an entry
 * whose image was removed is simply a miss.
 */
export class BuildCache {
  private constructor(
    private readonly file: string,
    private readonly entries: Map<string, Digest>,
  ) {}

  static async open(dir: string): Promise<BuildCache> {
    await mkdirp(dir, 0o700);
    const file = join(dir, 'cache.json');
    const saved = (await readJsonIfExists<Record<string, Digest>>(file)) ?? {};
    return new BuildCache(file, new Map(Object.entries(saved)));
  }

  get(key: string): Digest | undefined {
    return this.entries.get(key);
  }

  private writing: Promise<void> = Promise.resolve();

  async set(key: string, id: Digest): Promise<void> {
    this.entries.set(key, id);
    // Writes are serialised; each writes the whole (small) map.
    this.writing = this.writing.then(() => writeJsonAtomic(this.file, Object.fromEntries(this.entries)));
    await this.writing;
  }
}

/** The cache key of one step. `parent` is the image the step starts from ('' for an empty scratch stage). */
export function cacheKey(parent: string, instruction: string, sources = ''): string {
  return sha256(`${parent}\n${instruction}\n${sources}`);
}
