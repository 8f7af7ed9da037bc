import { type ContainerRecord, isLive } from '../../core/containers.js';
import { BerthError } from '../../lib/errdefs.js';
import type { RuntimeLifecycle } from '../../core/runtime.js';
import type { ContainerDeps } from './deps.js';
import { publishContainerEvent } from './events.js';
import { markManuallyStopped, publishKill } from './kill.js';
import { parseSignal } from './config/signals.js';

/** What `stop` needs: the record, the exit waiters (the exit is its end), the runtime's kill and resume. */
export type StopDeps = Pick<ContainerDeps, 'store' | 'waiters' | 'events'> & { runtime: Pick<RuntimeLifecycle, 'kill' | 'resume'> };

/**
 * Stops a container: its stop signal, then SIGKILL after `timeout` seconds (Config.StopTimeout,
 * else 10; -1 waits forever). NotModified when it was not running.
 */
export async function stopContainer(deps: StopDeps, ref: string, timeout?: number, signal?: string): Promise<void> {
  const rec = deps.store.get(ref);
  await markManuallyStopped(deps, rec); // also cancels a pending policy restart of an exited one
  if (!isLive(rec)) throw new BerthError('NotModified', 'container already stopped');
  const exited = deps.waiters.nextExit(rec.Id);
  const sig = parseSignal(signal || rec.Config.StopSignal || 'SIGTERM');
  const secs = timeout ?? rec.Config.StopTimeout ?? 10;
  await signalIgnoringGone(deps, rec, sig);
  // A frozen process never sees the signal: thaw it (Docker does the same).
  if (rec.State.Status === 'paused') await deps.runtime.resume(rec.Id).catch(() => undefined);
  if (secs >= 0 && !(await within(exited, secs * 1000))) {
    await signalIgnoringGone(deps, rec, 'SIGKILL');
  }
  await exited;
  publishContainerEvent(deps.events, rec, 'stop');
}

async function signalIgnoringGone(deps: StopDeps, rec: ContainerRecord, sig: string): Promise<void> {
  try {
    await deps.runtime.kill(rec.Id, sig);
    publishKill(deps, rec, sig);
  } catch (err) {
    // The process may have exited between our check and the signal: the exit path handles it. (runc
    // freezes a container that shares a PID namespace to signal all its processes: one that has just
    // stopped fails that freeze.)
    if (!/not running|does not exist|process already finished|invalid state transition from stopped/.test(String((err as Error).message))) throw err;
  }
}

function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    void p.then(() => {
      clearTimeout(t);
      resolve(true);
    });
  });
}
