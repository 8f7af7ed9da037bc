import { invalidArgument, isErrno } from '../../lib/errdefs.js';
import { copyFromContainer, copyToContainer, statContainerPath, type ArchiveDeps } from '../../services/containers/archive.js';
import { encodePathStat, PATH_STAT_HEADER } from '../compat/path-stat.js';
import { queryBool, type RequestContext } from '../http.js';
import type { Router } from '../router.js';

function pathOf(ctx: RequestContext): string {
  const path = ctx.query.get('path');
  if (!path) throw invalidArgument('path is required'); // Docker: `path` must not be empty
  return path;
}

/** `docker cp`: HEAD (stat), GET (tar of a path), PUT (extract a tar into a directory). */
export function containerArchiveRoutes(router: Router, deps: ArchiveDeps): void {
  router.add('GET', '/containers/{id}/archive', async (ctx) => {
    const res = ctx.res!;
    const path = pathOf(ctx);
    if (ctx.req.method === 'HEAD') {
      const stat = await statContainerPath(deps, ctx.params.id!, path);
      res.writeHead(200, { [PATH_STAT_HEADER]: encodePathStat(stat), 'Content-Type': 'application/json' });
      res.end();
      return;
    }
    await copyFromContainer(deps, ctx.params.id!, path, (stat) => {
      res.writeHead(200, { [PATH_STAT_HEADER]: encodePathStat(stat), 'Content-Type': 'application/x-tar' });
      return res;
    }).catch((err) => {
      // The client hung up (the docker CLI does once it has decided it cannot use the archive).
      if (!isErrno(err, 'ERR_STREAM_PREMATURE_CLOSE')) throw err;
    });
  });

  router.add('PUT', '/containers/{id}/archive', async (ctx) => {
    await copyToContainer(deps, ctx.params.id!, pathOf(ctx), ctx.req, {
      noOverwriteDirNonDir: queryBool(ctx.query, 'noOverwriteDirNonDir'),
      copyUIDGID: queryBool(ctx.query, 'copyUIDGID'),
    });
    ctx.res!.writeHead(200);
    ctx.res!.end();
  });
}
