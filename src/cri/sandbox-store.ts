import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { mkdirp, readJsonIfExists, writeJsonAtomic } from '../lib/atomic-file.js';
import { invalidArgument, isErrno, notFound } from '../lib/errdefs.js';
import type { PortMapping } from '../core/network.js';
import type { PodSandboxConfig } from './types.js';

export type SandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';

/**
 * A pod sandbox as berth keeps it (`<data-root>/cri/sandboxes/<id>.json`): the kubelet's config
 * as given (status answers its metadata, labels and annotations unchanged) and what was made for
 * it. Namespace files are pins under `<exec-root>/cri/<id>/`; absent for the NODE (host) modes.
 */
export interface SandboxRecord {
  id: string;
  config: PodSandboxConfig;
  runtimeHandler: string;
  /** Creation time, nanoseconds since the epoch (as a decimal string: beyond a double's precision). */
  createdAt: string;
  state: SandboxState;
  netns?: string;
  ipcns?: string;
  utsns?: string;
  /** The pod's /dev/shm: a tmpfs every container of the pod binds (with the shared IPC namespace). */
  shm?: string;
  /** The pod's address on the CRI network (while ready). */
  ip?: string;
  /** The pause process (catatonit) holding the pod's PID namespace: pid 1 in it, and its start time (/proc/<pid>/stat field 22) against pid reuse. */
  infra?: { pid: number; startTime: string };
  /** The pod cgroup, as a cgroupfs path; `madeTop`: the topmost part of it that did not exist before (removed with the sandbox). */
  cgroup: { path: string; madeTop?: string };
  /** Host ports published to the pod (port_mappings with a host_port). */
  ports: PortMapping[];
}

/** The sandboxes' records: all in memory, each written atomically before it is acted on. */
export class SandboxStore {
  private readonly records = new Map<string, SandboxRecord>();

  private constructor(private readonly dir: string) {}

  static async open(dir: string): Promise<SandboxStore> {
    await mkdirp(dir, 0o700);
    const store = new SandboxStore(dir);
    for (const f of await readdir(dir)) {
      if (!/^[0-9a-f]{64}\.json$/.test(f)) continue;
      const rec = await readJsonIfExists<SandboxRecord>(join(dir, f));
      if (rec !== undefined) store.records.set(rec.id, rec);
    }
    return store;
  }

  all(): SandboxRecord[] {
    return [...this.records.values()];
  }

  /** By full ID or a unique prefix (as crictl takes them); undefined when none. */
  find(ref: string): SandboxRecord | undefined {
    if (ref === '') return undefined;
    const exact = this.records.get(ref);
    if (exact !== undefined) return exact;
    const matches = this.all().filter((r) => r.id.startsWith(ref));
    if (matches.length > 1) throw invalidArgument(`pod sandbox ID ${ref} is ambiguous`);
    return matches[0];
  }

  get(ref: string): SandboxRecord {
    const rec = this.find(ref);
    if (rec === undefined) throw notFound(`pod sandbox ${ref} not found`);
    return rec;
  }

  async save(rec: SandboxRecord): Promise<void> {
    await writeJsonAtomic(join(this.dir, `${rec.id}.json`), rec);
    this.records.set(rec.id, rec);
  }

  async delete(id: string): Promise<void> {
    this.records.delete(id);
    await rm(join(this.dir, `${id}.json`)).catch((err: unknown) => {
      if (!isErrno(err, 'ENOENT')) throw err;
    });
  }
}
