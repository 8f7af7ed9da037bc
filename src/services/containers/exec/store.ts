import { randomBytes } from 'node:crypto';
import type { ExecConfig, ExecRecord } from '../../../core/exec.js';
import { notFound } from '../../../lib/errdefs.js';

/** Exec instances by ID, in memory (Docker forgets them on restart too). */
export class ExecStore {
  private readonly byId = new Map<string, ExecRecord>();

  add(containerId: string, config: ExecConfig): ExecRecord {
    const rec: ExecRecord = {
      ID: randomBytes(32).toString('hex'),
      ContainerID: containerId,
      Config: config,
      Started: false,
      Running: false,
      ExitCode: null,
      Pid: 0,
    };
    this.byId.set(rec.ID, rec);
    return rec;
  }

  get(id: string): ExecRecord {
    const rec = this.byId.get(id);
    if (rec === undefined) throw notFound(`No such exec instance: ${id}`);
    return rec;
  }

  ofContainer(containerId: string): ExecRecord[] {
    return [...this.byId.values()].filter((e) => e.ContainerID === containerId);
  }

  /** Forgets one instance (an exec no client will inspect: the CRI's, once it has ended). */
  remove(id: string): void {
    this.byId.delete(id);
  }

  /** Drops the instances of a removed container. */
  forgetContainer(containerId: string): void {
    for (const e of this.ofContainer(containerId)) this.byId.delete(e.ID);
  }
}
