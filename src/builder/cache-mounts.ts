import { chown, lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { mkdirp, readJsonIfExists, writeJsonAtomic } from '../lib/atomic-file.js';
import { randomId, sha256 } from '../lib/digest.js';

/** What is kept beside a cache mount's directory. */
interface CacheMountMeta {
  cacheId: string;
  description: string;
  createdAt: string;
  lastUsedAt?: string;
  usageCount: number;
}

/** A cache mount as `buildx du` and `builder prune` see it (BuildKit's `exec.cachemount` records). */
export interface CacheMountRecord extends CacheMountMeta {
  id: string;
  size: number;
  inUse: boolean;
}

export interface CacheMountOptions {
  sharing: 'shared' | 'private' | 'locked';
  mode?: number;
  uid?: number;
  gid?: number;
  /** BuildKit's record description: `cached mount /target from exec /bin/sh -c …`. */
  description: string;
}

export interface HeldCacheMount {
  path: string;
  release(): void;
}

/**
 * `RUN --mount=type=cache` directories: one per cache ID under the builder's directory on the
 * data root (`<hash>/` plus `<hash>.json`), shared by every build (BuildKit's and the classic
 * builder's), never part of a layer. `shared` lets steps use one at the same time, `locked`
 * makes them take turns, `private` gives a step that finds it busy a fresh, throw-away one.
 */
export class CacheMounts {
  private readonly users = new Map<string, number>();
  private readonly locks = new Map<string, Promise<void>>();
  /** The metadata read-create-write of each mount, one at a time: two steps starting together must not both create it. */
  private readonly metaTurns = new Map<string, Promise<unknown>>();

  constructor(private readonly dir: string) {}

  async acquire(cacheId: string, opts: CacheMountOptions): Promise<HeldCacheMount> {
    const id = sha256(cacheId).slice('sha256:'.length, 'sha256:'.length + 32);
    if (opts.sharing === 'private' && (this.users.get(id) ?? 0) > 0) {
      const path = join(this.dir, `private-${id}-${randomId().slice(0, 12)}`);
      await this.create(path, opts);
      return { path, release: () => void rm(path, { recursive: true, force: true }).catch(() => undefined) };
    }
    let unlock = (): void => undefined;
    if (opts.sharing === 'locked') {
      const prev = this.locks.get(id) ?? Promise.resolve();
      const mine = new Promise<void>((r) => (unlock = r));
      const chain = prev.then(() => mine);
      this.locks.set(id, chain);
      await prev;
      void chain.then(() => this.locks.get(id) === chain && this.locks.delete(id));
    }
    this.users.set(id, (this.users.get(id) ?? 0) + 1);
    try {
      const path = join(this.dir, id);
      const metaFile = `${path}.json`;
      const now = new Date().toISOString();
      await this.inTurn(id, async () => {
        const meta = await readJsonIfExists<CacheMountMeta>(metaFile);
        if (meta === undefined) await this.create(path, opts);
        await writeJsonAtomic(metaFile, {
          cacheId,
          description: meta?.description ?? opts.description,
          createdAt: meta?.createdAt ?? now,
          lastUsedAt: now,
          usageCount: (meta?.usageCount ?? 0) + 1,
        } satisfies CacheMountMeta);
      });
      let released = false;
      return {
        path,
        release: () => {
          if (released) return;
          released = true;
          this.users.set(id, (this.users.get(id) ?? 1) - 1);
          unlock();
        },
      };
    } catch (err) {
      this.users.set(id, (this.users.get(id) ?? 1) - 1);
      unlock();
      throw err;
    }
  }

  async list(): Promise<CacheMountRecord[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const out: CacheMountRecord[] = [];
    for (const n of names.filter((x) => x.endsWith('.json'))) {
      const id = n.slice(0, -'.json'.length);
      const meta = await readJsonIfExists<CacheMountMeta>(join(this.dir, n));
      if (meta === undefined) continue;
      out.push({ ...meta, id, size: await duBytes(join(this.dir, id)), inUse: (this.users.get(id) ?? 0) > 0 });
    }
    return out;
  }

  /** Removes the given records (never one in use); returns the bytes freed. */
  async remove(records: CacheMountRecord[]): Promise<number> {
    let freed = 0;
    for (const r of records) {
      if ((this.users.get(r.id) ?? 0) > 0) continue;
      await rm(join(this.dir, `${r.id}.json`), { force: true });
      await rm(join(this.dir, r.id), { recursive: true, force: true });
      freed += r.size;
    }
    return freed;
  }

  private async inTurn(id: string, fn: () => Promise<void>): Promise<void> {
    const turn = (this.metaTurns.get(id) ?? Promise.resolve()).catch(() => undefined).then(fn);
    this.metaTurns.set(id, turn);
    try {
      await turn;
    } finally {
      if (this.metaTurns.get(id) === turn) this.metaTurns.delete(id);
    }
  }

  private async create(path: string, opts: CacheMountOptions): Promise<void> {
    await mkdirp(this.dir, 0o700);
    await rm(path, { recursive: true, force: true });
    await mkdir(path, { mode: opts.mode ?? 0o755 });
    if (opts.uid !== undefined || opts.gid !== undefined) await chown(path, opts.uid ?? 0, opts.gid ?? 0);
  }
}

/** Bytes of the files under `dir` (as BuildKit's du counts a mount's content). */
async function duBytes(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isFile()) continue;
    total += (await lstat(join(e.parentPath, e.name)).catch(() => undefined))?.size ?? 0;
  }
  return total;
}
