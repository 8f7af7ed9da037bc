import { isLive } from '../core/containers.js';
import { notFound } from '../lib/errdefs.js';
import type { ContainerStore } from '../services/containers/store.js';

/**
 * A running berth container's network namespace (`/proc/<pid>/ns/net`): what PortForward enters
 * when it is given a container's ID rather than a pod sandbox's (sandbox-status.ts `sandboxNetnsPath`).
 */
export async function containerNetns(store: Pick<ContainerStore, 'get'>, id: string): Promise<string> {
  const rec = store.get(id);
  if (!isLive(rec) || rec.State.Pid <= 0) throw notFound(`pod sandbox ${id} is not running`);
  return `/proc/${rec.State.Pid}/ns/net`;
}
