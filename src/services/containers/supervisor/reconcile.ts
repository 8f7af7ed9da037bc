import { type ContainerRecord, isLive } from '../../../core/containers.js';
import type { ExitMonitor, RuntimeLifecycle, RuntimeState } from '../../../core/runtime.js';
import { mountPoints } from '../../../lib/fs/mounts.js';
import { nowRfc3339Nano } from '../../../lib/time.js';
import { isBuildStep } from '../build-step.js';
import { handleExit, type ExitDeps } from './exit.js';
import { unmountContainer } from '../unmount.js';
import { snapshotOwner } from '../mounts/host-paths.js';
import { teardownNetworking } from '../../networks/sandbox.js';

/** What start-up reconcile needs: what recording an exit needs, and what the runtime still holds. */
export type ReconcileDeps = ExitDeps & {
  runtime: Pick<RuntimeLifecycle, 'known' | 'state' | 'delete'> & Pick<ExitMonitor, 'exitCode' | 'cleanup' | 'stopMonitor'>;
};

const isRemoving = (r: ContainerRecord): boolean => r.State.Status === 'removing';
const short = (id: string): string => id.slice(0, 12);

/**
 * After a berthd restart (before the API serves): containers that exited while it was down get
 * their exit recorded; running ones are left alone; ones the runtime lost are marked exited.
 * What a crash cut short is finished or rolled back, each with a line to `report`:
 *   - a start cut short (the record not live, the runtime holding it: created or even started,
 *     with its monitor, rootfs mount and network) is rolled back, so the container can start again;
 *   - `--rm` containers that are not running are removed (dockerd does the same at restart), and
 *     RUN step containers of a build the crash ended are removed whatever their state;
 *   - a removal cut short is finished;
 *   - writable snapshots no container record owns (a create cut short, a build's scratch) go.
 */
export async function reconcile(deps: ReconcileDeps, onAutoRemove: (id: string) => Promise<void>, report: (msg: string) => void): Promise<void> {
  const mounts = await mountPoints();
  // What the runtime says of every container, read side by side (file reads, no spawn): on a busy
  // host each read waits its turn, and a container at a time made start-up wait for all in a row.
  const records = deps.store.all();
  const probes = await Promise.all(records.map((rec) => probe(deps, rec)));
  for (const [i, rec] of records.entries()) {
    const id = rec.Id;
    const seen = probes[i]!;
    if (isRemoving(rec)) {
      report(`finishing removal of container ${short(id)} (rm cut short)`);
      await onAutoRemove(id);
      continue;
    }
    if (isLive(rec)) {
      if (seen.exited) {
        await handleExit(deps, id, onAutoRemove);
      } else if (seen.state === undefined || seen.state.status === 'stopped') {
        await markLost(deps, rec);
      } else if ((seen.state.status === 'paused') !== (rec.State.Status === 'paused')) {
        // A pause or unpause cut short between runc and the record: the runtime is right.
        rec.State.Status = seen.state.status === 'paused' ? 'paused' : 'running';
        await deps.store.save(rec);
        report(`container ${short(id)} is ${rec.State.Status} (pause or unpause cut short)`);
      }
      if (isBuildStep(rec) && isLive(rec)) {
        await rollBackStart(deps, rec);
        report(`killed RUN step container ${short(id)} (build cut short)`);
      }
      // Still running, or removed by its exit (--rm): nothing more to do.
      if (isLive(rec) || isRemoving(rec)) continue;
    } else if (seen.known || mounts.has(rec.Paths.Rootfs)) {
      await rollBackStart(deps, rec);
      report(`rolled back the start of container ${short(id)}: runtime state, monitor, mounts and network released (start cut short)`);
    }
    if (rec.HostConfig.AutoRemove === true || isBuildStep(rec)) {
      report(`removing ${isBuildStep(rec) ? 'RUN step' : '--rm'} container ${short(id)} (not running at start-up)`);
      await onAutoRemove(id);
    }
  }
  const owned = new Set(deps.store.all().map((c) => c.Id));
  for (const key of await deps.snapshotter.activeKeys()) {
    if (owned.has(snapshotOwner(key))) continue;
    await deps.snapshotter.remove(key);
    report(`removed snapshot ${key.startsWith('build-') ? key : short(key)} that no container owns (create or build cut short)`);
  }
}

/** A running record: its exit file, else the runtime's state. Any other: whether the runtime still holds it. */
async function probe(deps: ReconcileDeps, rec: ContainerRecord): Promise<{ exited?: boolean; state?: RuntimeState; known?: boolean }> {
  if (isRemoving(rec)) return {};
  if (!isLive(rec)) return { known: await deps.runtime.known(rec.Id) };
  if ((await deps.runtime.exitCode(rec.Id)) !== undefined) return { exited: true };
  return { state: await deps.runtime.state(rec.Id) };
}

async function markLost(deps: ReconcileDeps, rec: ContainerRecord): Promise<void> {
  await deps.locks.run(rec.Id, async () => {
    await release(deps, rec);
    rec.State = { ...rec.State, Status: 'exited', Pid: 0, ExitCode: 255, FinishedAt: nowRfc3339Nano(), Error: 'container lost while berthd was down' };
    await deps.store.save(rec);
  });
}

/** Kills what the runtime holds of a container whose start never completed, and releases the rest. */
async function rollBackStart(deps: ReconcileDeps, rec: ContainerRecord): Promise<void> {
  await deps.locks.run(rec.Id, async () => {
    await release(deps, rec);
    await deps.runtime.stopMonitor(rec.Id, rec.Paths.Bundle);
    await deps.runtime.cleanup(rec.Id);
    if (isLive(rec)) rec.State = { ...rec.State, Status: 'exited', Pid: 0, ExitCode: 137, FinishedAt: nowRfc3339Nano() };
    await deps.store.save(rec);
  });
}

/** runc state (delete --force kills the process), network, mounts: each step idempotent. */
async function release(deps: ReconcileDeps, rec: ContainerRecord): Promise<void> {
  await deps.runtime.delete(rec.Id);
  if (deps.networks) await teardownNetworking(deps.networks, rec);
  await unmountContainer(deps.snapshotter, rec);
}
