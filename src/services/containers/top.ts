import { publishContainerEvent } from './events.js';
import { conflict, invalidArgument } from '../../lib/errdefs.js';
import { run } from '../../lib/exec.js';
import type { ContainerDeps } from './deps.js';
import type { RuntimeResources } from '../../core/runtime.js';

/** What `top` needs: the record, the container's pids, the bus. */
export type TopDeps = Pick<ContainerDeps, 'store' | 'events'> & { runtime: Pick<RuntimeResources, 'pids'> };

export interface TopResult {
  Titles: string[];
  Processes: string[][];
}

/**
 * `top`: the host's `ps` (with the client's options, default `-ef`), keeping the rows whose PID
 * belongs to the container — Docker's method, so the columns are whatever ps prints.
 */
export async function topContainer(deps: TopDeps, ref: string, psArgs = '-ef'): Promise<TopResult> {
  const rec = deps.store.get(ref);
  if (rec.State.Status !== 'running' && rec.State.Status !== 'paused') throw conflict(`Container ${rec.Id} is not running`);
  const pids = new Set(await deps.runtime.pids(rec.Id));
  const args = psArgs.split(/\s+/).filter((a) => a !== '');
  const { stdout } = await run('ps', args).catch((err: Error) => {
    throw invalidArgument(`Error running ps: ${err.message}`);
  });
  publishContainerEvent(deps.events, rec, 'top');
  return parsePs(stdout, pids);
}

/** Splits ps output into titles and rows (the last column, the command, keeps its spaces). */
export function parsePs(output: string, pids: Set<number>): TopResult {
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  const Titles = (lines[0] ?? '').trim().split(/\s+/);
  const pidIndex = Titles.indexOf('PID');
  if (pidIndex < 0) throw invalidArgument(`Couldn't find PID field in ps output`);
  const Processes: string[][] = [];
  for (const line of lines.slice(1)) {
    const fields = line.trim().split(/\s+/);
    const row = [...fields.slice(0, Titles.length - 1), fields.slice(Titles.length - 1).join(' ')];
    if (pids.has(Number(row[pidIndex]))) Processes.push(row);
  }
  return { Titles, Processes };
}
