import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerRecord } from '../../core/containers.js';
import { conflict, invalidArgument, isDiskFull, notFound } from '../../lib/errdefs.js';
import { mkdirp, readJsonIfExists, writeJsonAtomic } from '../../lib/atomic-file.js';
import { unmountAllUnder } from '../../lib/fs/mounts.js';

/** How long a removed container's ID is still refused by `save` (writes under way when it was removed). */
const RETIRED_GRACE_MS = 60_000;
const NAME_RE = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/**
 * Container records: `containers/<id>/record.json`, one file each, written atomically and
 * cached in memory. Lookups follow Docker: full ID, then exact name, then unique ID prefix.
 */
export class ContainerStore {
  private readonly byId = new Map<string, ContainerRecord>();
  private readonly byName = new Map<string, string>();
  /** Retired containers whose resources are still being released (see retire). */
  private readonly retiring = new Map<string, Promise<void>>();
  /** Containers retired lately: a save still under way for one writes nothing and indexes nothing. */
  private readonly retiredIds = new Set<string>();

  private constructor(readonly root: string) {}

  static async open(root: string): Promise<ContainerStore> {
    await mkdirp(root);
    const store = new ContainerStore(root);
    for (const id of await readdir(root)) {
      const rec = await readJsonIfExists<ContainerRecord>(join(root, id, 'record.json'));
      // A directory without a record is a create (or a removal) that crashed half-way: nothing
      // refers to it. Its mounts go first: removing through a mounted rootfs would fail (EBUSY).
      if (rec === undefined) {
        await unmountAllUnder(join(root, id));
        await rm(join(root, id), { recursive: true, force: true });
      } else store.index(rec);
    }
    return store;
  }

  private index(rec: ContainerRecord): void {
    this.byId.set(rec.Id, rec);
    // A record left `removing` by a crash may share its name with a newer container: the name is the newer one's.
    if (rec.State.Status !== 'removing' || !this.byName.has(rec.Name)) this.byName.set(rec.Name, rec.Id);
  }

  private unindex(id: string): void {
    const rec = this.byId.get(id);
    this.byId.delete(id);
    if (rec && this.byName.get(rec.Name) === id) this.byName.delete(rec.Name);
  }

  dir(id: string): string {
    return join(this.root, id);
  }

  all(): ContainerRecord[] {
    return [...this.byId.values()];
  }

  find(ref: string): ContainerRecord | undefined {
    const exact = this.byId.get(ref);
    if (exact) return exact;
    const byName = this.byName.get(ref.replace(/^\//, ''));
    if (byName) return this.byId.get(byName);
    if (!/^[a-f0-9]+$/.test(ref)) return undefined;
    const matches = [...this.byId.keys()].filter((id) => id.startsWith(ref));
    if (matches.length > 1) throw invalidArgument(`multiple IDs found with provided prefix: ${ref}`);
    return matches.length === 1 ? this.byId.get(matches[0]!) : undefined;
  }

  get(ref: string): ContainerRecord {
    if (ref === '') throw invalidArgument('invalid name or ID supplied: ""'); // Docker's GetContainer
    const rec = this.find(ref);
    if (rec === undefined) throw notFound(`No such container: ${ref}`);
    return rec;
  }

  /** Validates a name and checks it is free; throws Conflict when it is taken (or claimed). */
  checkName(name: string): string {
    if (!NAME_RE.test(name)) throw invalidArgument(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    const clean = name.replace(/^\//, '');
    const owner = this.byName.get(clean);
    if (owner !== undefined) {
      throw conflict(
        `Conflict. The container name "/${clean}" is already in use by container "${owner}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
    return clean;
  }

  /**
   * Checks a name and claims it for container `id` in the same turn (no await in between), as
   * Docker's name registrar does: of two requests for one name, the second gets the Conflict even
   * while the first is still writing its record. A claim whose record is never saved must be
   * given back with `releaseName`.
   */
  claimName(name: string, id: string): string {
    const clean = this.checkName(name);
    this.byName.set(clean, id);
    return clean;
  }

  /** Gives back a name claimed by `id` (a create or rename that failed); another owner's claim is left alone. */
  releaseName(name: string, id: string): void {
    if (this.byName.get(name) === id) this.byName.delete(name);
  }

  hasName(name: string): boolean {
    return this.byName.has(name);
  }

  async save(rec: ContainerRecord): Promise<void> {
    if (this.retired(rec)) return;
    try {
      await mkdirp(this.dir(rec.Id));
      // Exits and removals must be recordable on a full disk (a container filling it with logs).
      await writeJsonAtomic(join(this.dir(rec.Id), 'record.json'), rec, { inPlaceWhenFull: true });
    } catch (err) {
      if (this.retired(rec)) return; // its directory went meanwhile: nothing is left to record
      throw err;
    }
    // A save that was under way when the container was retired must not bring it back into the lists.
    if (!this.retired(rec)) this.index(rec);
  }

  /** Retired (`retire`): out of every lookup, its record `removing` until its directory goes, and for a minute after. */
  private retired(rec: ContainerRecord): boolean {
    return this.retiredIds.has(rec.Id);
  }

  /** Gives a container a new name (validated and claimed at once, as for a new container). */
  async rename(rec: ContainerRecord, newName: string): Promise<void> {
    const clean = this.claimName(newName, rec.Id);
    const old = rec.Name;
    rec.Name = clean;
    try {
      await this.save(rec);
    } catch (err) {
      rec.Name = old;
      this.releaseName(clean, rec.Id);
      throw err;
    }
    this.releaseName(old, rec.Id);
  }

  /** Forgets a container and deletes its directory (record first, so a crash leaves no half record). */
  async delete(id: string): Promise<void> {
    await rm(join(this.dir(id), 'record.json'), { force: true });
    await rm(this.dir(id), { recursive: true, force: true });
    this.unindex(id);
  }

  /**
   * Removes a `removing` container from every lookup at once (its name and ID are free, it is
   * gone from lists), then runs `release` (runtime state, network, mounts, layer) in the
   * background and deletes the directory. The record stays on disk, `removing`, until then: a
   * crash in between finishes the removal at the next start. A failed release is reported to
   * `onError` and tried again after each of `retryAfterMs` (then it waits for the next start);
   * one that failed for a full disk is tried again every `retryAfterMs[0]` for as long as the disk
   * stays full (reported once), so it ends soon after space is freed.
   */
  retire(id: string, release: () => Promise<void>, onError: (err: Error, retrying: boolean) => void, retryAfterMs: readonly number[] = [5_000, 60_000]): void {
    this.unindex(id);
    this.retiredIds.add(id);
    let reportedFull = false;
    const attempt = (start: Promise<void>, later: readonly number[]): void => {
      const done = start
        .then(release)
        .then(() => rm(this.dir(id), { recursive: true, force: true }))
        // Gone from the disk: a write still under way for it is over well within the grace.
        .then(() => void setTimeout(() => this.retiredIds.delete(id), RETIRED_GRACE_MS).unref())
        .catch((err: Error) => {
          if (isDiskFull(err) && retryAfterMs.length > 0) {
            if (!reportedFull) onError(err, true);
            reportedFull = true;
            setTimeout(() => attempt(Promise.resolve(), later), retryAfterMs[0]).unref();
            return;
          }
          onError(err, later.length > 0);
          if (later.length > 0) setTimeout(() => attempt(Promise.resolve(), later.slice(1)), later[0]).unref();
        })
        .finally(() => {
          if (this.retiring.get(id) === done) this.retiring.delete(id);
        });
      this.retiring.set(id, done);
    };
    // Started on the next turn: the spawns it begins with must not delay the answers this turn gives.
    attempt(new Promise<void>((go) => setImmediate(go)), retryAfterMs);
  }

  /**
   * Resolves when every retired container's release has ended or failed (network removal, image
   * removal, shutdown); a retry still to come is not waited for.
   */
  async settled(): Promise<void> {
    while (this.retiring.size > 0) await Promise.all(this.retiring.values());
  }
}
