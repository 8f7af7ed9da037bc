import type { RuntimeStdio, StdioSession } from '../../core/runtime.js';
import type { ContainerDeps } from './deps.js';

/**
 * Connects to a container's stdin once it runs: at once if it already does, else at its next
 * `start` event (clients attach before they start the container). Resolves undefined if the
 * container exits first or `cancelled` settles.
 */
export function connectStdin(
  deps: Pick<ContainerDeps, 'store' | 'events'> & { runtime: Pick<RuntimeStdio, 'attach'> },
  id: string,
  cancelled: Promise<unknown>,
): Promise<StdioSession | undefined> {
  const connect = (): Promise<StdioSession | undefined> => deps.runtime.attach(id).catch(() => undefined);
  const rec = deps.store.get(id);
  if (rec.State.Status === 'running' || rec.State.Status === 'paused') return connect();
  return new Promise((resolve) => {
    let done = false;
    const unsubscribe = deps.events.subscribe((ev) => {
      if (done || ev.Type !== 'container' || ev.Actor.ID !== id || ev.Action !== 'start') return;
      done = true;
      unsubscribe();
      resolve(connect());
    });
    void cancelled.then(() => {
      if (done) return;
      done = true;
      unsubscribe();
      resolve(undefined);
    });
  });
}
