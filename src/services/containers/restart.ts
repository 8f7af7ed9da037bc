import { BerthError } from '../../lib/errdefs.js';
import type { ContainerDeps } from './deps.js';
import { publishContainerEvent } from './events.js';
import { startContainer, type StartDeps } from './start.js';
import { stopContainer, type StopDeps } from './stop.js';

/** What `restart` needs: what stop and start need, and the set that keeps --rm from firing in between. */
export type RestartDeps = StartDeps & StopDeps & Pick<ContainerDeps, 'restarting'>;

/** Stop then start. A --rm container is not removed by the stop half (Docker's behaviour). */
export async function restartContainer(deps: RestartDeps, ref: string, timeout?: number, signal?: string): Promise<void> {
  const rec = deps.store.get(ref);
  deps.restarting.add(rec.Id);
  try {
    await stopContainer(deps, ref, timeout, signal);
  } catch (err) {
    if (!(err instanceof BerthError && err.kind === 'NotModified')) throw err;
  } finally {
    deps.restarting.delete(rec.Id);
  }
  await startContainer(deps, ref);
  publishContainerEvent(deps.events, rec, 'restart');
}
