import type { ContainerDeps } from '../../services/containers/deps.js';
import { invalidArgument, notFound, notImplemented } from '../../lib/errdefs.js';
import { parseFilters } from '../../lib/filters.js';
import { timeToNanos } from '../../lib/logs/k8s-file.js';
import { nanosToRfc3339 } from '../../lib/time.js';
import { createContainer } from '../../services/containers/create.js';
import { timed } from '../../lib/phase-timer.js';
import { handleAttach } from './attach.js';
import { containerArchiveRoutes } from './container-archive.js';
import { containerFsRoutes } from './container-fs.js';
import { killContainer } from '../../services/containers/kill.js';
import { restartContainer } from '../../services/containers/restart.js';
import { startContainer } from '../../services/containers/start.js';
import { stopContainer } from '../../services/containers/stop.js';
import { LIST_FILTERS, listContainers } from '../../services/containers/list.js';
import { removeContainer } from '../../services/containers/remove.js';
import { unlinkContainer } from '../../services/networks/unlink.js';
import type { WaitCondition } from '../../services/containers/wait.js';
import { toInspect, toSummary } from '../compat/container.js';
import { queryBool, queryInt, readJson, type RequestContext } from '../http.js';
import type { Router } from '../router.js';
import { rejectUnsupportedHostConfig } from '../unsupported-fields.js';
import type { ContainerCreateRequest, ContainerWaitResponse } from '../types/containers.js';
import { pipeOutput, streamContentType } from '../container-output.js';
import { CONTAINER_CREATE } from '../bodies.js';
import { gateCreate } from '../create-gates.js';
import { at } from '../versions.js';

/** `signal` of stop and restart: from 1.42 (older clients' value is ignored, as Docker does). */
const signalParam = (ctx: RequestContext): string | undefined => (at(ctx.apiVersion, 'stopSignalParam') ? ctx.query.get('signal') || undefined : undefined);

/** Docker sends `since`/`until` as `seconds[.nanoseconds]` (or RFC 3339 from older clients). */
export function parseTimestamp(v: string | null): bigint | undefined {
  if (v === null || v === '' || v === '0') return undefined;
  const m = /^(\d+)(?:\.(\d{1,9}))?$/.exec(v);
  if (m) return BigInt(m[1]!) * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
  if (!Number.isNaN(Date.parse(v))) return timeToNanos(v);
  throw invalidArgument(`invalid timestamp: ${v}`);
}

export function containerRoutes(router: Router, deps: ContainerDeps): void {
  containerFsRoutes(router, deps);
  router.add('POST', '/containers/create', async (ctx) => {
    const body = (await readJson<ContainerCreateRequest>(ctx.req, CONTAINER_CREATE)) ?? {};
    // What the body means at its version first: a field Docker ignores from a version is not refused as unsupported.
    const warnings = gateCreate(body, ctx.apiVersion);
    rejectUnsupportedHostConfig(body.HostConfig as Record<string, unknown> | undefined);
    const { HostConfig, NetworkingConfig, ...config } = body;
    const endpoints = NetworkingConfig?.EndpointsConfig ?? undefined;
    const created = await timed('create', () =>
      createContainer(deps, {
        name: ctx.query.get('name') ?? undefined,
        config,
        hostConfig: HostConfig ?? {},
        endpoints,
        readOnlyNonRecursive: !at(ctx.apiVersion, 'readOnlyForceRecursive'),
      }),
    );
    ctx.res!.statusCode = 201;
    return { ...created, Warnings: [...created.Warnings, ...warnings] };
  });

  router.add('GET', '/containers/json', async (ctx) => {
    const filters = parseFilters(ctx.query.get('filters'), LIST_FILTERS);
    const list = listContainers(deps.store.all(), deps.images, { all: queryBool(ctx.query, 'all'), limit: queryInt(ctx.query, 'limit'), filters });
    return list.map((c) => toSummary(c, ctx.apiVersion));
  });

  router.add('GET', '/containers/{id}/json', async (ctx) => toInspect(deps.store.get(ctx.params.id!), deps.snapshotter.name, ctx.apiVersion));

  router.add('POST', '/containers/{id}/start', async (ctx) => {
    await startContainer(deps, ctx.params.id!);
  });

  router.add('POST', '/containers/{id}/stop', async (ctx) => {
    await stopContainer(deps, ctx.params.id!, queryInt(ctx.query, 't'), signalParam(ctx));
  });

  router.add('POST', '/containers/{id}/restart', async (ctx) => {
    await restartContainer(deps, ctx.params.id!, queryInt(ctx.query, 't'), signalParam(ctx));
  });

  router.add('POST', '/containers/{id}/kill', async (ctx) => {
    await killContainer(deps, ctx.params.id!, ctx.query.get('signal') || 'SIGKILL');
  });

  router.add('DELETE', '/containers/{id}', async (ctx) => {
    if (queryBool(ctx.query, 'link')) return unlinkContainer(deps.networks, ctx.params.id!);
    await removeContainer(deps, ctx.params.id!, { force: queryBool(ctx.query, 'force'), volumes: queryBool(ctx.query, 'v') });
  });

  // `docker rm --link web/db`: a link's name is `<linking container>/<alias>` (Docker's router takes `{name:.*}`).
  router.add('DELETE', '/containers/{parent}/{alias}', async (ctx) => {
    const name = `${ctx.params.parent!}/${ctx.params.alias!}`;
    if (!queryBool(ctx.query, 'link')) throw notFound(`No such container: ${name}`);
    await unlinkContainer(deps.networks, name);
  });

  router.add('POST', '/containers/{id}/wait', (ctx) => waitRoute(deps, ctx));

  router.add('GET', '/containers/{id}/logs', async (ctx) => {
    const rec = deps.store.get(ctx.params.id!);
    const q = ctx.query;
    const stdout = queryBool(q, 'stdout');
    const stderr = queryBool(q, 'stderr');
    if (!stdout && !stderr) throw invalidArgument('Bad parameters: you must choose at least one stream');
    const tailRaw = q.get('tail');
    const tail = tailRaw === null || tailRaw === '' || tailRaw === 'all' ? undefined : Number.parseInt(tailRaw, 10);
    if (tail !== undefined && Number.isNaN(tail)) throw invalidArgument(`invalid value for tail: ${tailRaw}`);
    const follow = queryBool(q, 'follow') && (rec.State.Status === 'running' || rec.State.Status === 'paused');
    if (!deps.logs.readable(rec)) throw notImplemented('configured logging driver does not support reading');
    const since = parseTimestamp(q.get('since'));
    const until = parseTimestamp(q.get('until'));
    const res = ctx.res!;
    res.writeHead(200, { 'Content-Type': streamContentType(ctx.apiVersion, rec.Config.Tty === true) });
    res.flushHeaders();
    await pipeOutput(deps.logs, rec, res, {
      stdout,
      stderr,
      timestamps: queryBool(q, 'timestamps'),
      details: queryBool(q, 'details'),
      tail,
      ...(since === undefined ? {} : { since: nanosToRfc3339(since) }),
      ...(until === undefined ? {} : { until: nanosToRfc3339(until) }),
      follow,
      done: follow ? deps.waiters.nextExit(rec.Id).then(() => undefined) : undefined,
    });
    res.end();
  });

  router.add('POST', '/containers/{id}/attach', (ctx) => handleAttach(deps, ctx));
  containerArchiveRoutes(router, deps);
}

async function waitRoute(deps: ContainerDeps, ctx: RequestContext): Promise<void> {
  const condition = (ctx.query.get('condition') || 'not-running') as WaitCondition;
  if (!['not-running', 'next-exit', 'removed'].includes(condition)) throw invalidArgument(`invalid condition: "${condition}"`);
  const rec = deps.store.get(ctx.params.id!);
  const live = rec.State.Status === 'running' || rec.State.Status === 'paused';
  const result: Promise<number> =
    condition === 'removed'
      ? deps.waiters.removed(rec.Id)
      : condition === 'next-exit' || live
        ? deps.waiters.nextExit(rec.Id)
        : Promise.resolve(rec.State.ExitCode);
  // Headers go out at once: the docker CLI waits for them before it starts the container.
  const res = ctx.res!;
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  const code = await result;
  const body: ContainerWaitResponse = { StatusCode: code, Error: null };
  res.end(JSON.stringify(body) + '\n');
}
