import { watch } from 'node:fs';
import { access } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { conflict, isKind, unavailable } from '../lib/errdefs.js';
import { removeContainer } from '../services/containers/remove.js';
import { startContainer } from '../services/containers/start.js';
import { stopContainer } from '../services/containers/stop.js';
import { updateContainer } from '../services/containers/update.js';
import { resourceFields } from './container-create.js';
import { LABEL, sandboxOf } from './container-labels.js';
import { criContainer } from './container-status.js';
import type { PodDeps } from './deps.js';
import type { LinuxContainerResources } from './types.js';

/** `StartContainer`: in a ready sandbox only (its namespaces must exist). */
export async function startCriContainer(deps: PodDeps, req: { container_id: string }): Promise<Record<string, never>> {
  const rec = criContainer(deps, req.container_id);
  const sb = deps.sandboxes.find(sandboxOf(rec)!);
  if (sb?.state !== 'SANDBOX_READY') throw conflict(`pod sandbox ${sandboxOf(rec)} of container ${rec.Id} is not ready`);
  await startContainer(deps.containers, rec.Id);
  return {};
}

/** `StopContainer`: its stop signal, SIGKILL after `timeout` seconds (0: SIGKILL alone, as containerd); unknown or stopped already is success. */
export async function stopCriContainer(deps: PodDeps, req: { container_id: string; timeout: number }): Promise<Record<string, never>> {
  const rec = deps.containers.store.find(req.container_id);
  if (rec === undefined || sandboxOf(rec) === undefined) return {};
  await stopContainer(deps.containers, rec.Id, Math.max(0, req.timeout), req.timeout > 0 ? undefined : 'SIGKILL').catch((err: unknown) => {
    if (!isKind(err, 'NotModified') && !isKind(err, 'NotFound')) throw err;
  });
  return {};
}

/** `RemoveContainer`: killed first if it runs; unknown is success. The kubelet's log file stays (it is the kubelet's). */
export async function removeCriContainer(deps: PodDeps, req: { container_id: string }): Promise<Record<string, never>> {
  const rec = deps.containers.store.find(req.container_id);
  if (rec === undefined || sandboxOf(rec) === undefined) return {};
  await removeContainer(deps.containers, rec.Id, { force: true }).catch((err: unknown) => {
    if (!isKind(err, 'NotFound')) throw err;
  });
  return {};
}

/** `UpdateContainerResources`: cpu and memory limits through `docker update`'s path (runc update while it runs). */
export async function updateCriContainerResources(
  deps: PodDeps,
  req: { container_id: string; linux: LinuxContainerResources | null },
): Promise<Record<string, never>> {
  const rec = criContainer(deps, req.container_id);
  const f = resourceFields(req.linux);
  await updateContainer(deps.containers, rec.Id, {
    CpuShares: f.CpuShares,
    CpuQuota: f.CpuQuota,
    CpuPeriod: f.CpuPeriod,
    CpusetCpus: f.CpusetCpus,
    Memory: f.Memory,
    MemorySwap: f.MemorySwap,
  });
  return {};
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/** Resolves once `path` exists (an inotify watch on its directory), fails after `ms`. */
async function untilCreated(path: string, ms: number, trigger: () => Promise<void>): Promise<void> {
  let done = (): void => undefined;
  const created = new Promise<void>((resolve) => (done = resolve));
  if (!(await exists(dirname(path)))) throw conflict(`log directory ${dirname(path)} does not exist`);
  const watcher = watch(dirname(path), (_event, file) => {
    if (file?.toString() === basename(path)) done();
  });
  const timer = setTimeout(done, ms);
  try {
    await trigger();
    if (!(await exists(path))) await created;
    if (!(await exists(path))) throw unavailable(`log file ${path} was not reopened within ${ms / 1000}s`);
  } finally {
    clearTimeout(timer);
    watcher.close();
  }
}

/** How long conmon gets to reopen a log file (CRI-O waits as long). */
const REOPEN_WAIT_MS = 3000;

/**
 * `ReopenContainerLog`: conmon reopens the log path (after the kubelet renamed the file away); as
 * CRI-O, the call returns once the new file is there. A container not running is an error.
 */
export async function reopenCriContainerLog(deps: PodDeps, req: { container_id: string }): Promise<Record<string, never>> {
  const rec = criContainer(deps, req.container_id);
  if (rec.State.Status !== 'running' && rec.State.Status !== 'paused') throw conflict(`container ${rec.Id} is not running`);
  const logPath = rec.Config.Labels?.[LABEL.logPath] ?? '';
  const reopen = (): Promise<void> => deps.containers.runtime.reopenLog(rec.Id);
  if (logPath === '' || (await exists(logPath))) await reopen();
  else await untilCreated(logPath, REOPEN_WAIT_MS, reopen);
  return {};
}
