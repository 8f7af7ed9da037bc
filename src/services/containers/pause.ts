import { publishContainerEvent } from './events.js';
import { conflict } from '../../lib/errdefs.js';
import type { ContainerDeps } from './deps.js';
import type { RuntimeLifecycle } from '../../core/runtime.js';
import { crashPoint } from '../../lib/crash-point.js';

/** What `pause` and `unpause` need: the record and its lock, runc pause/resume (the freezer), the bus. */
export type PauseDeps = Pick<ContainerDeps, 'store' | 'locks' | 'events'> & { runtime: Pick<RuntimeLifecycle, 'pause' | 'resume'> };

/** `pause`: freezes every process of a running container (runc pause: the freezer cgroup). */
export async function pauseContainer(deps: PauseDeps, ref: string): Promise<void> {
  const rec = deps.store.get(ref);
  await deps.locks.run(rec.Id, async () => {
    if (rec.State.Status === 'paused') throw conflict(`Container ${rec.Id} is already paused`);
    if (rec.State.Status !== 'running') throw conflict(`Container ${rec.Id} is not running`);
    await deps.runtime.pause(rec.Id);
    crashPoint('pause:runc');
    rec.State = { ...rec.State, Status: 'paused' };
    await deps.store.save(rec);
  });
  publishContainerEvent(deps.events, rec, 'pause');
}

export async function unpauseContainer(deps: PauseDeps, ref: string): Promise<void> {
  const rec = deps.store.get(ref);
  await deps.locks.run(rec.Id, async () => {
    if (rec.State.Status !== 'paused') throw conflict(`Container ${rec.Id} is not paused`);
    await deps.runtime.resume(rec.Id);
    crashPoint('unpause:runc');
    rec.State = { ...rec.State, Status: 'running' };
    await deps.store.save(rec);
  });
  publishContainerEvent(deps.events, rec, 'unpause');
}
