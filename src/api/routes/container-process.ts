import { invalidArgument } from '../../lib/errdefs.js';
import type { ContainerDeps } from '../../services/containers/deps.js';
import { pauseContainer, unpauseContainer } from '../../services/containers/pause.js';
import { renameContainer } from '../../services/containers/rename.js';
import { resizeContainer } from '../../services/containers/resize.js';
import { collectStats } from '../../services/containers/stats.js';
import { topContainer } from '../../services/containers/top.js';
import { toStats } from '../compat/stats.js';
import { updateContainer, type UpdateConfig } from '../../services/containers/update.js';
import { queryBool, queryInt, readJson } from '../http.js';
import { CONTAINER_UPDATE } from '../bodies.js';
import { writeChunk } from '../stream.js';
import type { Router } from '../router.js';
import { at } from '../versions.js';

/** Operations on a running container's processes: resize (pause, top, stats, update join here). */
export function containerProcessRoutes(router: Router, deps: ContainerDeps): void {
  router.add('POST', '/containers/{id}/resize', async (ctx) => {
    const h = queryInt(ctx.query, 'h');
    const w = queryInt(ctx.query, 'w');
    if (h === undefined || w === undefined || h < 0 || w < 0) throw invalidArgument('invalid resize: h and w must be non-negative numbers');
    await resizeContainer(deps, ctx.params.id!, h, w);
    ctx.res?.writeHead(200).end(); // Docker answers 200 with no body
  });

  router.add('POST', '/containers/{id}/pause', async (ctx) => {
    await pauseContainer(deps, ctx.params.id!);
  });

  router.add('POST', '/containers/{id}/unpause', async (ctx) => {
    await unpauseContainer(deps, ctx.params.id!);
  });

  router.add('POST', '/containers/{id}/rename', async (ctx) => {
    await renameContainer(deps, ctx.params.id!, ctx.query.get('name') ?? '');
  });

  router.add('POST', '/containers/{id}/update', async (ctx) => {
    const body = (await readJson<UpdateConfig>(ctx.req, CONTAINER_UPDATE)) ?? {};
    return { Warnings: await updateContainer(deps, ctx.params.id!, body) };
  });

  // Streams one JSON document per second (stream defaults to true), or one after a second's
  // sampling with stream=0 (CPU percentages need two readings), or at once with one-shot=1.
  router.add('GET', '/containers/{id}/stats', async (ctx) => {
    const stream = ctx.query.get('stream') === null || queryBool(ctx.query, 'stream');
    deps.store.get(ctx.params.id!); // 404 before the headers go out
    const res = ctx.res!;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    let open = true;
    res.once('close', () => (open = false));
    await collectStats(deps, ctx.params.id!, { stream, oneShot: queryBool(ctx.query, 'one-shot'), active: () => open }, async (rec, cur, prev) => {
      const stats = at(ctx.apiVersion, 'statsOsType') ? { ...toStats(rec, cur, prev), os_type: 'linux' } : toStats(rec, cur, prev);
      await writeChunk(res, Buffer.from(JSON.stringify(stats) + '\n'));
    });
    res.end();
  });

  router.add('GET', '/containers/{id}/top', async (ctx) => topContainer(deps, ctx.params.id!, ctx.query.get('ps_args') || undefined));
}
