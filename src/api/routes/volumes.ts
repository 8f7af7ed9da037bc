import { parseFilters } from '../../lib/filters.js';
import type { VolumeDeps } from '../../services/volumes/deps.js';
import { createVolume, LIST_FILTERS, listVolumes, PRUNE_FILTERS, pruneVolumes, removeVolume } from '../../services/volumes/volumes.js';
import { notFound } from '../../lib/errdefs.js';
import { toVolume } from '../compat/volume.js';
import { queryBool, readJson, refuseStreamedPrune } from '../http.js';
import { VOLUME_CREATE } from '../bodies.js';
import type { Router } from '../router.js';
import { at } from '../versions.js';
import type { VolumeCreateRequest, VolumeListResponse, VolumePruneResponse } from '../types/volumes.js';

export function volumeRoutes(router: Router, deps: VolumeDeps): void {
  router.add('GET', '/volumes', async (ctx) => {
    const filters = parseFilters(ctx.query.get('filters'), LIST_FILTERS);
    const body: VolumeListResponse = { Volumes: listVolumes(deps, filters).map(toVolume), Warnings: null };
    return body;
  });

  router.add('POST', '/volumes/create', async (ctx) => {
    const body = (await readJson<VolumeCreateRequest>(ctx.req, VOLUME_CREATE)) ?? {};
    const v = await createVolume(deps, body);
    ctx.res!.statusCode = 201;
    return toVolume(v);
  });

  router.add('POST', '/volumes/prune', async (ctx) => {
    refuseStreamedPrune(ctx);
    const filters = parseFilters(ctx.query.get('filters'), PRUNE_FILTERS);
    // API < 1.42 pruned every unused volume, not only anonymous ones: Docker keeps that for old clients.
    if (!filters.has('all') && !at(ctx.apiVersion, 'volumePruneAnonymousOnly')) filters.set('all', ['true']);
    const body: VolumePruneResponse = await pruneVolumes(deps, filters);
    return body;
  });

  router.add('GET', '/volumes/{name}', async (ctx) => {
    const v = deps.driver.get(ctx.params.name!);
    if (v === undefined) throw notFound(`get ${ctx.params.name}: no such volume`);
    return toVolume(v);
  });

  router.add('DELETE', '/volumes/{name}', async (ctx) => {
    await removeVolume(deps, ctx.params.name!, { force: queryBool(ctx.query, 'force') });
  });
}
