import { parseFilters } from '../../lib/filters.js';
import { containerChanges } from '../../services/containers/diff.js';
import type { ContainerDeps } from '../../services/containers/deps.js';
import { exportContainer } from '../../services/containers/export.js';
import { PRUNE_FILTERS, pruneContainers } from '../../services/containers/prune.js';
import { refuseStreamedPrune } from '../http.js';
import type { Router } from '../router.js';
import { writeChunk } from '../stream.js';
import type { ContainerPruneResponse } from '../types/disk-usage.js';

/** A container's filesystem as data: `changes` (diff), `export`, and `prune` of stopped containers. */
export function containerFsRoutes(router: Router, deps: ContainerDeps): void {
  router.add('GET', '/containers/{id}/changes', async (ctx) => {
    const changes = await containerChanges(deps, ctx.params.id!);
    return changes.length > 0 ? changes : null;
  });

  router.add('GET', '/containers/{id}/export', async (ctx) => {
    const res = ctx.res!;
    let started = false;
    await exportContainer(deps, ctx.params.id!, (chunk) => {
      if (!started) {
        started = true;
        res.writeHead(200, { 'Content-Type': 'application/x-tar' });
      }
      return writeChunk(res, chunk);
    });
    if (!started) res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    res.end();
  });

  router.add('POST', '/containers/prune', async (ctx): Promise<ContainerPruneResponse> => {
    refuseStreamedPrune(ctx);
    return pruneContainers(deps, parseFilters(ctx.query.get('filters'), PRUNE_FILTERS));
  });
}
