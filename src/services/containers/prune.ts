import { matchLabels, type Filters } from '../../lib/filters.js';
import { dirSize } from '../../lib/fs/du.js';
import { parseUntil } from '../../lib/until.js';
import { finishRemoval, type RemovalDeps } from './remove.js';

export const PRUNE_FILTERS = ['label', 'label!', 'until'];

export interface PruneReport {
  ContainersDeleted: string[] | null;
  SpaceReclaimed: number;
}

/** `docker container prune`: removes every stopped container (created, exited, dead) the filters select. */
export async function pruneContainers(deps: RemovalDeps, filters: Filters): Promise<PruneReport> {
  const until = filters.get('until')?.[0];
  const untilMs = until === undefined ? undefined : parseUntil(until);
  const deleted: string[] = [];
  let space = 0;
  for (const rec of deps.store.all()) {
    if (!['created', 'exited', 'dead'].includes(rec.State.Status)) continue;
    if (filters.has('label') && !matchLabels(rec.Config.Labels, filters.get('label')!)) continue;
    if (filters.has('label!') && filters.get('label!')!.some((l) => matchLabels(rec.Config.Labels, [l]))) continue;
    if (untilMs !== undefined && Date.parse(rec.Created) >= untilMs) continue;
    const size = await dirSize(deps.snapshotter.upperDir(rec.Id));
    await finishRemoval(deps, rec.Id);
    deleted.push(rec.Id);
    space += size;
  }
  return { ContainersDeleted: deleted.length ? deleted : null, SpaceReclaimed: space };
}
