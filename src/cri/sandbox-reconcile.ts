import { mountPoints } from '../lib/fs/mounts.js';
import type { PodDeps } from './deps.js';
import { infraAlive } from './pod-namespaces.js';
import { teardownSandbox } from './sandbox-stop.js';
import type { SandboxRecord } from './sandbox-store.js';

/** Whether everything a ready sandbox holds is still there: its pins mounted, its pause process the same process. */
async function intact(rec: SandboxRecord, mounted: Set<string>): Promise<boolean> {
  for (const pin of [rec.netns, rec.ipcns, rec.utsns, rec.shm]) if (pin !== undefined && !mounted.has(pin)) return false;
  return rec.infra === undefined || (await infraAlive(rec.infra));
}

/**
 * Start-up, after the containers are reconciled: a ready sandbox whose namespaces and pause
 * process survived (a berthd restart) is left alone, running; one that lost them (a reboot, the
 * pause process killed) becomes not ready with what is left released, as is whatever a stopped
 * sandbox or a run cut short still holds; the CRI network keeps only the ready pods' attachments.
 */
export async function reconcileSandboxes(deps: PodDeps, report: (msg: string) => void): Promise<void> {
  const mounted = await mountPoints();
  for (const rec of deps.sandboxes.all()) {
    if (rec.state === 'SANDBOX_READY' && (await intact(rec, mounted))) continue;
    const wasReady = rec.state === 'SANDBOX_READY';
    await teardownSandbox(deps, rec).catch((err: Error) => report(`pod sandbox ${rec.id.slice(0, 12)}: release failed: ${err.message}`));
    if (wasReady) report(`pod sandbox ${rec.id.slice(0, 12)} lost its namespaces or pause process: not ready`);
  }
  const ready = new Set(
    deps.sandboxes
      .all()
      .filter((s) => s.state === 'SANDBOX_READY')
      .map((s) => s.id),
  );
  await deps.network
    .releaseExcept((id) => ready.has(id))
    .catch((err: Error) => report(`pods' network: releasing what no ready pod holds failed: ${err.message}`));
}
