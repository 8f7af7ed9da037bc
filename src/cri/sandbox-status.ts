import { notFound } from '../lib/errdefs.js';
import { nowNanos } from '../lib/time.js';
import { matchesSelector } from './container-labels.js';
import type { CriDeps, PodDeps } from './deps.js';
import { podNamespaces } from './sandbox-run.js';
import { noticeLostInfra } from './sandbox-stop.js';
import type { SandboxRecord, SandboxState } from './sandbox-store.js';

/** runtime.v1.PodSandbox: the list's view. */
function toPodSandbox(rec: SandboxRecord): Record<string, unknown> {
  return {
    id: rec.id,
    metadata: rec.config.metadata,
    state: rec.state,
    created_at: rec.createdAt,
    labels: rec.config.labels,
    annotations: rec.config.annotations,
    runtime_handler: rec.runtimeHandler,
  };
}

/**
 * `PodSandboxStatus`: the sandbox's state, its IP (none for a host-network pod or once stopped),
 * its namespace modes, labels and annotations as given. `verbose` adds berth's view (namespace
 * paths, pause process, cgroup) as JSON under `info`.
 */
export async function podSandboxStatus(deps: PodDeps, req: { pod_sandbox_id: string; verbose: boolean }): Promise<Record<string, unknown>> {
  const rec = deps.sandboxes.get(req.pod_sandbox_id);
  await noticeLostInfra(deps, rec);
  const status = {
    ...toPodSandbox(rec),
    network: { ip: rec.ip ?? '', additional_ips: [] },
    linux: { namespaces: { options: podNamespaces(rec.config) } },
  };
  const info = req.verbose
    ? {
        info: JSON.stringify({
          netns: rec.netns ?? '',
          ipcns: rec.ipcns ?? '',
          utsns: rec.utsns ?? '',
          shm: rec.shm ?? '',
          infraPid: rec.infra?.pid ?? 0,
          cgroup: rec.cgroup.path,
          ports: rec.ports,
        }),
      }
    : {};
  return { status, info, containers_statuses: [], timestamp: nowNanos().toString() };
}

interface PodSandboxFilter {
  id: string;
  state: { state: SandboxState } | null;
  label_selector: Record<string, string>;
}

/** `ListPodSandbox`: every sandbox, narrowed by the filter's ID (or prefix), state and labels (all ANDed). */
export async function listPodSandbox(deps: PodDeps, req: { filter: PodSandboxFilter | null }): Promise<{ items: Array<Record<string, unknown>> }> {
  const f = req.filter;
  for (const rec of deps.sandboxes.all()) await noticeLostInfra(deps, rec);
  const items = deps.sandboxes
    .all()
    .filter((s) => !f?.id || s.id.startsWith(f.id))
    .filter((s) => !f?.state || s.state === f.state.state)
    .filter((s) => matchesSelector(s.config.labels, f?.label_selector))
    .sort((a, b) => (BigInt(a.createdAt) < BigInt(b.createdAt) ? -1 : 1))
    .map(toPodSandbox);
  return { items };
}

/**
 * The network namespace a pod's ports are reached in (PortForward): its pinned namespace, the
 * host's (`/proc/1/ns/net`) for a host-network pod. NotFound for an unknown sandbox and for a
 * stopped one (its namespace is gone).
 */
export async function sandboxNetnsPath(deps: Pick<CriDeps, 'pods'>, sandboxId: string): Promise<string> {
  const rec = deps.pods.sandboxes.get(sandboxId);
  if (podNamespaces(rec.config).network === 'NODE') return '/proc/1/ns/net';
  if (rec.state !== 'SANDBOX_READY' || rec.netns === undefined) throw notFound(`pod sandbox ${sandboxId} has no network namespace (it is not ready)`);
  return rec.netns;
}
