import type { ContainerRecord } from '../../core/containers.js';
import { invalidArgument } from '../../lib/errdefs.js';
import { commandString, statusString } from '../../api/compat/container.js';
import { queryBool } from '../../api/http.js';
import type { Router } from '../../api/router.js';
import { containerChanges } from '../../services/containers/diff.js';
import { restartContainer } from '../../services/containers/restart.js';
import { startContainer } from '../../services/containers/start.js';
import { stopContainer } from '../../services/containers/stop.js';
import { pauseContainer, unpauseContainer } from '../../services/containers/pause.js';
import { removeContainer } from '../../services/containers/remove.js';
import { readStats } from '../../services/containers/stats.js';
import { topContainer } from '../../services/containers/top.js';
import type { ContainerDeps } from '../../services/containers/deps.js';
import type { ChangeRow, ContainerDetail, ContainerRow, TopResponse } from '../types/dashboard.js';
import { memoryOf, UsageTracker } from '../stats/usage.js';

const ACTIONS: Record<string, (deps: ContainerDeps, id: string) => Promise<void>> = {
  start: (d, id) => startContainer(d, id),
  stop: (d, id) => stopContainer(d, id),
  restart: (d, id) => restartContainer(d, id),
  pause: (d, id) => pauseContainer(d, id),
  unpause: (d, id) => unpauseContainer(d, id),
};

const live = (r: ContainerRecord): boolean => r.State.Status === 'running' || r.State.Status === 'paused';

function row(rec: ContainerRecord, usage?: { cpu: number | null; memory?: { usage: number; limit: number } }): ContainerRow {
  return {
    id: rec.Id,
    name: rec.Name,
    image: rec.ImageRef,
    state: rec.State.Status,
    status: statusString(rec),
    health: rec.State.Health?.Status ?? '',
    ports: (rec.NetworkSettings?.Ports ?? []).map((p) => ({ hostIp: p.hostIp, hostPort: p.hostPort, containerPort: p.containerPort, protocol: p.protocol })),
    cpuPercent: usage?.cpu ?? null,
    memoryBytes: usage?.memory?.usage ?? null,
    memoryLimitBytes: usage?.memory?.limit ?? null,
    startedAt: rec.State.StartedAt.startsWith('0001-') ? '' : rec.State.StartedAt,
    created: rec.Created,
  };
}

function detail(rec: ContainerRecord): ContainerDetail {
  const policy = rec.HostConfig.RestartPolicy;
  return {
    ...row(rec),
    command: commandString(rec),
    tty: rec.Config.Tty === true,
    env: rec.Config.Env ?? [],
    labels: rec.Config.Labels ?? {},
    mounts: (rec.MountPoints ?? []).map((m) => ({ type: m.Type, source: m.Name ?? m.Source, destination: m.Destination, rw: m.RW })),
    networks: Object.entries(rec.NetworkSettings?.Networks ?? {}).map(([name, e]) => ({ name, ipAddress: e.IPAddress, macAddress: e.MacAddress })),
    restartPolicy: policy?.Name ? `${policy.Name}${policy.MaximumRetryCount ? `:${policy.MaximumRetryCount}` : ''}` : 'no',
    restartCount: rec.RestartCount,
    exitCode: rec.State.ExitCode,
    error: rec.State.Error,
    finishedAt: rec.State.FinishedAt.startsWith('0001-') ? '' : rec.State.FinishedAt,
  };
}

/** Containers: the live table (with CPU % and memory), one container, its actions, top and diff. */
export function containerRoutes(router: Router, deps: ContainerDeps): void {
  const usage = new UsageTracker();

  router.add('GET', '/ui/api/containers', async (): Promise<ContainerRow[]> => {
    const all = [...deps.store.all()].sort((a, b) => (a.Created < b.Created ? 1 : -1));
    usage.keep(new Set(all.filter(live).map((r) => r.Id)));
    return Promise.all(
      all.map(async (rec) => {
        if (!live(rec)) return row(rec);
        const cur = await readStats(rec);
        return row(rec, { cpu: usage.percent(rec.Id, cur), memory: memoryOf(cur) });
      }),
    );
  });

  router.add('GET', '/ui/api/containers/{id}', async (ctx): Promise<ContainerDetail> => detail(deps.store.get(ctx.params.id!)));

  router.add('POST', '/ui/api/containers/{id}/{action}', async (ctx) => {
    const action = ACTIONS[ctx.params.action!];
    if (action === undefined) throw invalidArgument(`unknown action: ${ctx.params.action}`);
    await action(deps, ctx.params.id!);
  });

  router.add('DELETE', '/ui/api/containers/{id}', async (ctx) => {
    await removeContainer(deps, ctx.params.id!, { force: queryBool(ctx.query, 'force'), volumes: false });
  });

  router.add('GET', '/ui/api/containers/{id}/top', async (ctx): Promise<TopResponse> => {
    const top = await topContainer(deps, ctx.params.id!);
    return { titles: top.Titles, processes: top.Processes };
  });

  router.add('GET', '/ui/api/containers/{id}/diff', async (ctx): Promise<ChangeRow[]> => {
    const kinds = ['C', 'A', 'D'] as const;
    return (await containerChanges(deps, ctx.params.id!)).map((c) => ({ kind: kinds[c.Kind] ?? 'C', path: c.Path }));
  });
}
