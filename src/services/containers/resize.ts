import { publishContainerEvent } from './events.js';
import { conflict } from '../../lib/errdefs.js';
import type { ContainerDeps } from './deps.js';
import type { RuntimeStdio } from '../../core/runtime.js';

/** What `resize` needs: the record, the monitor's terminal, the bus. */
export type ResizeDeps = Pick<ContainerDeps, 'store' | 'events'> & { runtime: Pick<RuntimeStdio, 'resize'> };

/** `POST /containers/{id}/resize`: the TTY's size, through conmon's ctl fifo. 409 when not running. */
export async function resizeContainer(deps: ResizeDeps, ref: string, height: number, width: number): Promise<void> {
  const rec = deps.store.get(ref);
  if (rec.State.Status !== 'running' && rec.State.Status !== 'paused') throw conflict(`Container ${rec.Id} is not running`);
  if (rec.Config.Tty !== true) return;
  await deps.runtime.resize({ id: rec.Id }, height, width);
  publishContainerEvent(deps.events, rec, 'resize', { height: String(height), width: String(width) });
}
