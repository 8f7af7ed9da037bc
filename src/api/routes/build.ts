import { invalidArgument } from '../../lib/errdefs.js';
import { buildImage } from '../../builder/build.js';
import { receiveContext } from '../../builder/context.js';
import type { BuilderDeps, BuildOptions } from '../../builder/deps.js';
import { parseFilters } from '../../lib/filters.js';
import { timed } from '../../lib/phase-timer.js';
import { BUILD_PRUNE_FILTERS, pruneBuildCache, type BuildPruneReport } from '../../builder/prune.js';
import { at } from '../versions.js';
import { parseJson, queryBool } from '../http.js';
import { list, map, type JsonType } from '../decode.js';
import type { Router } from '../router.js';
import { errorMessage } from '../compat/progress.js';
import type { JsonMessage } from '../types/images.js';

/**
 * `POST /build` (the classic builder): the body is the context tar. A Dockerfile that does not
 * parse is a plain HTTP error; once output has started, failures are an error message in the
 * stream (Docker's behaviour, which the docker CLI relies on).
 */
export function buildRoutes(router: Router, deps: BuilderDeps): void {
  router.add('POST', '/build/prune', async (ctx): Promise<BuildPruneReport> => {
    const q = ctx.query;
    const bytes = (name: string): number => {
      const v = q.get(name);
      if (v === null || v === '') return 0;
      if (!/^-?\d+$/.test(v)) throw invalidArgument(`${name} is in bytes and expects an integer, got ${v}`);
      return Number(v);
    };
    const limits = at(ctx.apiVersion, 'buildPruneSpaceLimits')
      ? { reservedSpace: bytes('reserved-space') || bytes('keep-storage'), maxUsedSpace: bytes('max-used-space'), minFreeSpace: bytes('min-free-space') }
      : { reservedSpace: bytes('keep-storage'), maxUsedSpace: 0, minFreeSpace: 0 };
    return pruneBuildCache(deps, { all: queryBool(q, 'all'), filters: parseFilters(q.get('filters'), BUILD_PRUNE_FILTERS), ...limits });
  });

  router.add('POST', '/build', async (ctx) => {
    const q = ctx.query;
    if (q.get('remote')) throw invalidArgument('berth builds from an uploaded context only (remote contexts are not supported)');
    const opts = buildOptions(q);
    const context = await timed('build: receive context', () => receiveContext(deps.scratch, ctx.req));
    const res = ctx.res!;
    const send = (m: JsonMessage): void => {
      if (!res.headersSent) res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(JSON.stringify(m) + '\r\n');
    };
    try {
      await buildImage(deps, { ...opts, context }, { stream: (text) => send({ stream: text }), aux: (aux) => send({ aux }) });
    } catch (err) {
      if (!res.headersSent) throw err;
      send(errorMessage(err));
    } finally {
      await context.dispose();
    }
    if (!res.headersSent) res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end();
  });
}

function buildOptions(q: URLSearchParams): Omit<BuildOptions, 'context'> {
  const json = <T>(name: string, shape: JsonType = map('string')): T | undefined => {
    const v = q.get(name);
    if (!v) return undefined;
    try {
      return parseJson<T>(v, shape);
    } catch (err) {
      throw invalidArgument(`invalid ${name}: ${(err as Error).message}`);
    }
  };
  const rm = q.get('rm');
  const network = q.get('networkmode') || undefined;
  return {
    dockerfile: q.get('dockerfile') || 'Dockerfile',
    tags: q.getAll('t').filter(Boolean),
    buildArgs: json<Record<string, string | null>>('buildargs') ?? {},
    target: q.get('target') || undefined,
    noCache: queryBool(q, 'nocache'),
    cacheFrom: json<string[]>('cachefrom', list('string')),
    extraHosts: q.getAll('extrahosts').filter(Boolean),
    rm: rm === null || rm === '' ? true : queryBool(q, 'rm'),
    forceRm: queryBool(q, 'forcerm'),
    labels: json<Record<string, string>>('labels') ?? {},
    quiet: queryBool(q, 'q'),
    networkMode: network === 'default' ? undefined : network,
    platform: q.get('platform') || undefined,
  };
}
