import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { NetworkRecord } from '../../core/network.js';
import { notFound } from '../../lib/errdefs.js';
import { mkdirp, readJsonIfExists, writeJsonAtomic } from '../../lib/atomic-file.js';
import { KeyedLock } from '../../lib/keyed-lock.js';

/** Network records, one `<id>.json` each; all held in memory. Lookup as Docker's: full ID, name, ID prefix. */
export class NetworkStore {
  private readonly byId = new Map<string, NetworkRecord>();
  private readonly lock = new KeyedLock();

  private constructor(private readonly root: string) {}

  static async open(root: string): Promise<NetworkStore> {
    await mkdirp(root, 0o700);
    const s = new NetworkStore(root);
    for (const f of await readdir(root)) {
      if (!f.endsWith('.json')) continue;
      const rec = await readJsonIfExists<NetworkRecord>(join(root, f));
      if (rec) s.byId.set(rec.Id, rec);
    }
    return s;
  }

  all(): NetworkRecord[] {
    return [...this.byId.values()];
  }

  find(ref: string): NetworkRecord | undefined {
    const exact = this.byId.get(ref);
    if (exact) return exact;
    const byName = this.all().find((n) => n.Name === ref);
    if (byName) return byName;
    const matches = ref.length > 0 ? this.all().filter((n) => n.Id.startsWith(ref)) : [];
    return matches.length === 1 ? matches[0] : undefined;
  }

  get(ref: string): NetworkRecord {
    const n = this.find(ref);
    if (n === undefined) throw notFound(`network ${ref} not found`);
    return n;
  }

  /**
   * Runs changes to the set of networks (create, remove) one at a time: a name, bridge or subnet
   * found free in `all()` is still free when the new record is saved.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.lock.run('networks', fn);
  }

  async save(rec: NetworkRecord): Promise<void> {
    await writeJsonAtomic(join(this.root, `${rec.Id}.json`), rec);
    this.byId.set(rec.Id, rec);
  }

  async delete(id: string): Promise<void> {
    await rm(join(this.root, `${id}.json`), { force: true });
    this.byId.delete(id);
  }
}
