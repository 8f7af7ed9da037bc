import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { isLive, type ContainerRecord } from '../../../core/containers.js';
import type { ExitMonitor, RuntimeLifecycle } from '../../../core/runtime.js';
import { timed } from '../../../lib/phase-timer.js';
import { nowRfc3339Nano } from '../../../lib/time.js';
import { teardownNetworking } from '../../networks/sandbox.js';
import type { ContainerDeps } from '../deps.js';
import { isBuildStep } from '../build-step.js';
import { publishContainerEvent, publishDetachEvents } from '../events.js';
import { unmountContainer } from '../unmount.js';

/** What recording an exit needs: the monitor's exit code, runc delete, and what the container held. */
export type ExitDeps = Pick<ContainerDeps, 'store' | 'locks' | 'restarting' | 'networks' | 'snapshotter' | 'events' | 'logs' | 'waiters'> & {
  runtime: Pick<RuntimeLifecycle, 'delete'> & Pick<ExitMonitor, 'exitCode' | 'cleanup'>;
};

/**
 * Records a container's exit, read from the monitor's exit file, and releases what it held
 * (runtime state, rootfs mount). Idempotent: a repeated or spurious call changes nothing.
 */
export async function handleExit(deps: ExitDeps, id: string, onAutoRemove: (id: string) => Promise<void>): Promise<void> {
  const rec = deps.store.find(id);
  if (rec === undefined || rec.Id !== id) {
    await deps.runtime.cleanup(id);
    return;
  }
  let autoRemove = false;
  let oom = false;
  let announced = false;
  const short = id.slice(0, 12);
  const code = await deps.locks.run(id, async () => {
    const exitCode = await deps.runtime.exitCode(id);
    if (exitCode === undefined) return undefined;
    // The exit is recorded before the exit file goes: a crash in between loses nothing, and the
    // next sweep finds the file again and only releases what is left.
    const fresh = isLive(rec);
    let recorded: Promise<void> = Promise.resolve();
    if (fresh) {
      oom = await access(join(rec.Paths.Bundle, 'oom')).then(
        () => true,
        () => false,
      );
      autoRemove = rec.HostConfig.AutoRemove === true && !deps.restarting.has(id);
      // A --rm container is marked for removal in the same write (a crash from here on finishes
      // the removal at start-up; an `exited` --rm record would stay behind).
      rec.State = { ...rec.State, Status: autoRemove ? 'removing' : 'exited', Pid: 0, ExitCode: exitCode, FinishedAt: nowRfc3339Nano(), OOMKilled: oom };
      recorded = timed(`exit ${short}: record`, () => deps.store.save(rec));
      recorded.catch(() => undefined); // awaited below
    }
    // A build step's builder waits to commit the upper dir, which neither the record nor the
    // release touches: it is answered now and commits while they run (its removal waits for this
    // lock; a crash before the record is written leaves the exit file, and the step, to start-up).
    if (fresh && isBuildStep(rec) && rec.State.Status !== 'removing') {
      await announceExit(deps, rec, exitCode);
      announced = true;
    }
    await recorded;
    // A container about to be removed releases everything with its removal, after the clients
    // were answered (finishRemoval); a crash in between repeats the idempotent release.
    if (rec.State.Status === 'removing') return fresh ? exitCode : undefined;
    // The process is gone: its runtime state, its network and its mounts are independent of each other.
    const networks = deps.networks;
    await Promise.all([
      timed(`exit ${short}: runc delete`, () => deps.runtime.delete(id)),
      networks && timed(`exit ${short}: network teardown`, () => teardownNetworking(networks, rec)),
      timed(`exit ${short}: unmount`, () => unmountContainer(deps.snapshotter, rec)),
    ]);
    // The released endpoints are written down.
    if (networks) await timed(`exit ${short}: record network`, () => deps.store.save(rec));
    await deps.runtime.cleanup(id);
    return fresh ? exitCode : undefined;
  });
  if (code === undefined) return;
  if (oom) publishContainerEvent(deps.events, rec, 'oom');
  if (!announced) await logsEnded(deps, rec);
  publishContainerEvent(deps.events, rec, 'die', { exitCode: String(code) });
  publishDetachEvents(deps, rec);
  // Waiters (`stop`, `wait`) go on after the die and its detach events, as dockerd orders them.
  if (!announced) deps.waiters.notifyExit(id, code);
  if (autoRemove) await onAutoRemove(id);
}

/** Log followers end once everything the container wrote is readable. */
async function logsEnded(deps: ExitDeps, rec: ContainerRecord): Promise<void> {
  await timed(`exit ${rec.Id.slice(0, 12)}: logs`, () => deps.logs.exited(rec).catch(() => undefined));
}

/** A build step's exit, announced early: its logs end and its builder is answered. */
async function announceExit(deps: ExitDeps, rec: ContainerRecord, code: number): Promise<void> {
  await logsEnded(deps, rec);
  deps.waiters.notifyExit(rec.Id, code);
}
