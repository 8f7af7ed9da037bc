import { join } from 'node:path';
import type { ContainerRecord } from '../core/containers.js';
import { readJsonIfExists } from '../lib/atomic-file.js';
import { notFound } from '../lib/errdefs.js';
import { ZERO_TIME } from '../lib/time.js';
import { criLabelsOf, LABEL, matchesSelector, sandboxOf } from './container-labels.js';
import type { PodDeps } from './deps.js';

type CriState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';

/** RFC 3339 with up to 9 fractional digits → nanoseconds since the epoch as a decimal string (int64 on the wire); Go's zero time → 0. */
export function rfc3339Nanos(t: string): string {
  if (!t || t === ZERO_TIME) return '0';
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(t);
  if (m === null) return '0';
  const secs = BigInt(Math.floor(Date.parse(`${m[1]}${m[3]}`) / 1000));
  return (secs * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'))).toString();
}

function stateOf(rec: ContainerRecord): CriState {
  switch (rec.State.Status) {
    case 'created':
      return 'CONTAINER_CREATED';
    case 'running':
    case 'paused':
    case 'restarting':
      return 'CONTAINER_RUNNING';
    case 'exited':
    case 'dead':
      return 'CONTAINER_EXITED';
    default:
      return 'CONTAINER_UNKNOWN';
  }
}

/** The container's CRI metadata, from its dockershim name `k8s_<name>_<pod>_<namespace>_<uid>_<attempt>`. */
export function metadataOf(rec: ContainerRecord): { name: string; attempt: number } {
  const parts = rec.Name.split('_');
  return { name: rec.Config.Labels?.[LABEL.containerName] ?? parts[1] ?? '', attempt: Number(parts[5] ?? 0) || 0 };
}

/** A pod's container by ID (or unique prefix); NotFound for none and for a container not made through the CRI. */
export function criContainer(deps: PodDeps, ref: string): ContainerRecord {
  const rec = ref === '' ? undefined : deps.containers.store.find(ref);
  if (rec === undefined || sandboxOf(rec) === undefined) throw notFound(`container ${JSON.stringify(ref)} not found`);
  return rec;
}

/** runtime.v1.Container: the list's view. */
function toContainer(rec: ContainerRecord): Record<string, unknown> {
  return {
    id: rec.Id,
    pod_sandbox_id: sandboxOf(rec),
    metadata: metadataOf(rec),
    image: { image: rec.ImageRef, annotations: {} },
    image_ref: rec.Image,
    image_id: rec.Image,
    state: stateOf(rec),
    created_at: rfc3339Nanos(rec.Created),
    ...criLabelsOf(rec),
  };
}

/** Why a container is in its state, as the kubelet reads it: OOMKilled, Completed or Error once exited. */
function reasonOf(rec: ContainerRecord): string {
  if (stateOf(rec) !== 'CONTAINER_EXITED') return '';
  if (rec.State.OOMKilled) return 'OOMKilled';
  return rec.State.ExitCode === 0 ? 'Completed' : 'Error';
}

const PROPAGATION: Record<string, string> = { rslave: 'PROPAGATION_HOST_TO_CONTAINER', rshared: 'PROPAGATION_BIDIRECTIONAL' };

/**
 * The user the container's process runs as (`ContainerStatus.user`, which the kubelet shows in the
 * pod's status), from its OCI spec as containerd reads it; null before the first start wrote one.
 */
async function userOf(rec: ContainerRecord): Promise<{ linux: { uid: number; gid: number; supplemental_groups: number[] } } | null> {
  const spec = await readJsonIfExists<{ process?: { user?: { uid?: number; gid?: number; additionalGids?: number[] } } }>(
    join(rec.Paths.Bundle, 'config.json'),
  );
  const u = spec?.process?.user;
  if (u === undefined) return null;
  return { linux: { uid: u.uid ?? 0, gid: u.gid ?? 0, supplemental_groups: u.additionalGids ?? [] } };
}

/** `ContainerStatus`: state and times (ns), exit code and reason, image, labels and annotations, log path, mounts, resources, user. */
export async function criContainerStatus(
  deps: PodDeps,
  req: { container_id: string; verbose: boolean },
): Promise<{ status: Record<string, unknown>; info: Record<string, string> }> {
  const rec = criContainer(deps, req.container_id);
  const user = await userOf(rec);
  const hc = rec.HostConfig;
  const exited = stateOf(rec) === 'CONTAINER_EXITED';
  const status = {
    ...toContainer(rec),
    started_at: rfc3339Nanos(rec.State.StartedAt),
    finished_at: exited ? rfc3339Nanos(rec.State.FinishedAt) : '0',
    exit_code: exited ? rec.State.ExitCode : 0,
    reason: reasonOf(rec),
    message: rec.State.Error,
    mounts: (hc.Mounts ?? [])
      .filter((m) => m.Type === 'bind')
      .map((m) => ({
        container_path: m.Target,
        host_path: m.Source,
        readonly: m.ReadOnly === true,
        propagation: PROPAGATION[m.BindOptions?.Propagation ?? ''] ?? 'PROPAGATION_PRIVATE',
      })),
    log_path: rec.Config.Labels?.[LABEL.logPath] ?? '',
    resources: {
      linux: {
        cpu_period: hc.CpuPeriod ?? 0,
        cpu_quota: hc.CpuQuota ?? 0,
        cpu_shares: hc.CpuShares ?? 0,
        memory_limit_in_bytes: hc.Memory ?? 0,
        oom_score_adj: hc.OomScoreAdj ?? 0,
        cpuset_cpus: hc.CpusetCpus ?? '',
        cpuset_mems: hc.CpusetMems ?? '',
      },
    },
    ...(user !== null ? { user } : {}),
  };
  const info: Record<string, string> = req.verbose
    ? { info: JSON.stringify({ pid: rec.State.Pid, name: rec.Name, bundle: rec.Paths.Bundle, joinNamespaces: rec.JoinNamespaces ?? {} }) }
    : {};
  return { status, info };
}

interface ContainerFilter {
  id: string;
  state: { state: CriState } | null;
  pod_sandbox_id: string;
  label_selector: Record<string, string>;
}

/** `ListContainers`: the pods' containers, narrowed by ID (or prefix), state, sandbox and labels (all ANDed). */
export function listCriContainers(deps: PodDeps, req: { filter: ContainerFilter | null }): { containers: Array<Record<string, unknown>> } {
  const f = req.filter;
  const containers = deps.containers.store
    .all()
    .filter((c) => sandboxOf(c) !== undefined)
    .filter((c) => !f?.id || c.Id.startsWith(f.id))
    .filter((c) => !f?.pod_sandbox_id || (sandboxOf(c) ?? '').startsWith(f.pod_sandbox_id))
    .filter((c) => !f?.state || stateOf(c) === f.state.state)
    .filter((c) => matchesSelector(criLabelsOf(c).labels, f?.label_selector))
    .map(toContainer);
  return { containers };
}
