import { constants } from 'node:os';
import { type ContainerRecord, isLive } from '../../core/containers.js';
import { conflict } from '../../lib/errdefs.js';
import type { RuntimeLifecycle } from '../../core/runtime.js';
import type { ContainerDeps } from './deps.js';
import { publishContainerEvent } from './events.js';
import { parseSignal } from './config/signals.js';

/** What `kill` needs: the record (to mark it manually stopped), the runtime's kill, the bus. */
export type KillDeps = Pick<ContainerDeps, 'store' | 'events'> & { runtime: Pick<RuntimeLifecycle, 'kill'> };

/** Records that the user stopped the container, persisted so a daemon restart honours it too. */
export async function markManuallyStopped(deps: Pick<ContainerDeps, 'store'>, rec: ContainerRecord): Promise<void> {
  if (rec.HasBeenManuallyStopped) return;
  rec.HasBeenManuallyStopped = true;
  await deps.store.save(rec);
}

/** Sends a signal. Docker: 409 when the container is not running. */
export async function killContainer(deps: KillDeps, ref: string, signal = 'SIGKILL'): Promise<void> {
  const rec = deps.store.get(ref);
  const sig = parseSignal(signal);
  if (!isLive(rec)) throw conflict(`Cannot kill container: ${ref}: Container ${rec.Id} is not running`);
  if (rec.State.Status === 'paused' && sig !== 'SIGKILL') {
    throw conflict(`Cannot kill container: ${ref}: Container ${rec.Id} is paused. Unpause the container before stopping or killing`);
  }
  await markManuallyStopped(deps, rec);
  await deps.runtime.kill(rec.Id, sig);
  publishKill(deps, rec, sig);
}

/** Docker's `kill` event names the signal by number. */
export function publishKill(deps: Pick<ContainerDeps, 'events'>, rec: ContainerRecord, sig: string): void {
  publishContainerEvent(deps.events, rec, 'kill', { signal: String(constants.signals[sig as NodeJS.Signals] ?? sig) });
}
