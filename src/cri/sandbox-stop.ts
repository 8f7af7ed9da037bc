import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isLive } from '../core/containers.js';
import { isKind } from '../lib/errdefs.js';
import { removeContainer } from '../services/containers/remove.js';
import { stopContainer } from '../services/containers/stop.js';
import { sandboxOf } from './container-labels.js';
import type { PodDeps } from './deps.js';
import { infraAlive, removeCgroup, stopInfra, unmountPodShm, unpinNamespace } from './pod-namespaces.js';
import type { SandboxRecord } from './sandbox-store.js';

/** The berth containers of a pod. */
export function podContainers(deps: PodDeps, sandboxId: string): string[] {
  return deps.containers.store
    .all()
    .filter((c) => sandboxOf(c) === sandboxId)
    .map((c) => c.Id);
}

const gone = (err: unknown): void => {
  if (!isKind(err, 'NotFound') && !isKind(err, 'NotModified')) throw err;
};

/**
 * Releases what a sandbox holds while it runs: its containers' processes (killed: the kubelet
 * has stopped them with their grace period before), the pause process, the network (CNI DEL,
 * host ports) and the namespace pins. Every step is idempotent; the record says not ready.
 */
export async function teardownSandbox(deps: PodDeps, rec: SandboxRecord): Promise<void> {
  for (const id of podContainers(deps, rec.id)) {
    if (isLive(deps.containers.store.get(id))) await stopContainer(deps.containers, id, 0, 'SIGKILL').catch(gone);
  }
  if (rec.infra) await stopInfra(rec.infra);
  await deps.network.detach(rec.id);
  for (const pin of [rec.ipcns, rec.utsns]) if (pin) await unpinNamespace(pin);
  if (rec.shm) await unmountPodShm(rec.shm);
  const held = ['ip', 'infra', 'netns', 'ipcns', 'utsns', 'shm'] as const;
  const changed = rec.state !== 'SANDBOX_NOTREADY' || held.some((k) => rec[k] !== undefined);
  rec.state = 'SANDBOX_NOTREADY';
  for (const k of held) delete rec[k];
  if (changed) await deps.sandboxes.save(rec);
}

/**
 * A ready pod whose pause process has died (killed, OOM) has lost its PID namespace and every
 * process in it: it is not ready any more, and what it held is released (as CRI-O does when its
 * infra container exits). Checked when the kubelet asks about pods.
 */
export async function noticeLostInfra(deps: PodDeps, rec: SandboxRecord): Promise<void> {
  if (rec.state !== 'SANDBOX_READY' || rec.infra === undefined || (await infraAlive(rec.infra))) return;
  await deps.locks.run(rec.id, async () => {
    if (rec.state !== 'SANDBOX_READY' || rec.infra === undefined || (await infraAlive(rec.infra))) return;
    deps.log(`cri: the pause process of pod sandbox ${rec.id.slice(0, 12)} has exited: not ready`);
    await teardownSandbox(deps, rec);
  });
}

/** `StopPodSandbox`: the sandbox's processes and network go; an unknown or stopped one is success. */
export async function stopPodSandbox(deps: PodDeps, req: { pod_sandbox_id: string }): Promise<Record<string, never>> {
  const rec = deps.sandboxes.find(req.pod_sandbox_id);
  if (rec === undefined) return {};
  await deps.locks.run(rec.id, () => teardownSandbox(deps, rec));
  return {};
}

/** `RemovePodSandbox`: stopped first if need be, then its containers, its cgroup and its record; an unknown one is success. */
export async function removePodSandbox(deps: PodDeps, req: { pod_sandbox_id: string }): Promise<Record<string, never>> {
  const rec = deps.sandboxes.find(req.pod_sandbox_id);
  if (rec === undefined) return {};
  await deps.locks.run(rec.id, async () => {
    if (deps.sandboxes.find(rec.id) === undefined) return; // removed while this call waited
    await teardownSandbox(deps, rec);
    for (const id of podContainers(deps, rec.id)) await removeContainer(deps.containers, id, { force: true }).catch(gone);
    if (rec.cgroup.madeTop) await removeCgroup(rec.cgroup.path, rec.cgroup.madeTop);
    await rm(join(deps.runRoot, rec.id), { recursive: true, force: true });
    await deps.sandboxes.delete(rec.id);
  });
  return {};
}
