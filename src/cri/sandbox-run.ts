import { rm } from 'node:fs/promises';
import { hostname as hostHostname } from 'node:os';
import { join } from 'node:path';
import type { PortMapping } from '../core/network.js';
import { mkdirp } from '../lib/atomic-file.js';
import { CleanupStack } from '../lib/cleanup-stack.js';
import { randomId } from '../lib/digest.js';
import { invalidArgument, messageOf } from '../lib/errdefs.js';
import { nowNanos } from '../lib/time.js';
import { CGROUP_PARENT, cgroupParentPath } from '../services/containers/spec/resources.js';
import type { PodDeps } from './deps.js';
import { nameReserved, sandboxReservedName } from './name-reservation.js';
import {
  applySysctls,
  missingCgroupTop,
  mountPodShm,
  pinIpcUts,
  removeCgroup,
  startInfra,
  stopInfra,
  unmountPodShm,
  unpinNamespace,
} from './pod-namespaces.js';
import type { SandboxRecord } from './sandbox-store.js';
import type { CriPortMapping, NamespaceOption, PodSandboxConfig } from './types.js';

/** The namespace modes of a pod: the config's, the CRI's defaults (all POD) where it gives none. */
export function podNamespaces(config: PodSandboxConfig): NamespaceOption {
  const o = config.linux?.security_context?.namespace_options;
  return { network: o?.network ?? 'POD', pid: o?.pid ?? 'POD', ipc: o?.ipc ?? 'POD', target_id: o?.target_id ?? '' };
}

/**
 * The pod's hostname: the config's, else the node's own as containerd and CRI-O take it (the kubelet
 * always sends one; the pod name can be longer than a hostname may be).
 */
export const podHostname = (c: PodSandboxConfig): string => c.hostname || hostHostname();

/** The kernel's limit on a hostname (HOST_NAME_MAX). */
const HOST_NAME_MAX = 64;

function hostPorts(mappings: CriPortMapping[]): PortMapping[] {
  return mappings
    .filter((m) => m.host_port > 0)
    .map((m) => ({
      hostIp: m.host_ip || '0.0.0.0',
      hostPort: m.host_port,
      containerPort: m.container_port,
      protocol: m.protocol === 'UDP' ? 'udp' : m.protocol === 'SCTP' ? 'sctp' : 'tcp',
    }));
}

/**
 * `RunPodSandbox`, CRI-O's way with berth's parts: the pod's network namespace on the CRI network
 * (CNI, with its host ports), its IPC and UTS namespaces pinned (the hostname set), its sysctls,
 * and — only when its containers share one PID namespace — the pause process. NODE modes use the
 * host's namespace instead. The record is written first (not ready) and last (ready); a failure
 * releases what was made and forgets the sandbox.
 */
export async function runPodSandbox(deps: PodDeps, req: { config: PodSandboxConfig | null; runtime_handler: string }): Promise<{ pod_sandbox_id: string }> {
  const config = req.config;
  const md = config?.metadata;
  if (config === null || !md?.name || !md.uid || !md.namespace) throw invalidArgument('RunPodSandbox: config.metadata (name, uid, namespace) is required');
  const handler = req.runtime_handler;
  if (handler !== '' && !(deps.containers.defaults?.runtimes.names ?? ['runc']).includes(handler))
    throw invalidArgument(`runtime handler ${JSON.stringify(handler)} is not known`);
  if (Buffer.byteLength(config.hostname) > HOST_NAME_MAX)
    throw invalidArgument(`hostname ${JSON.stringify(config.hostname)} is longer than ${HOST_NAME_MAX} bytes`);
  // One sandbox per name (pod, namespace, uid, attempt), as containerd reserves it: concurrent
  // calls with one name are serialised until the first one's record is written, and the later
  // ones then find it. Other names go on in parallel.
  const name = sandboxReservedName(md);
  const ns = podNamespaces(config);
  const rec = await deps.locks.run(`name:${name}`, async () => {
    const taken = deps.sandboxes.all().find((s) => sandboxReservedName(s.config.metadata!) === name);
    if (taken !== undefined) throw nameReserved('sandbox', name, taken.id);
    const id = randomId();
    const cgroupPath = config.linux?.cgroup_parent ? cgroupParentPath(config.linux.cgroup_parent) : `${CGROUP_PARENT}/pod-${id}`;
    const rec: SandboxRecord = {
      id,
      config,
      runtimeHandler: handler,
      createdAt: nowNanos().toString(),
      state: 'SANDBOX_NOTREADY',
      cgroup: { path: cgroupPath },
      ports: ns.network === 'NODE' ? [] : hostPorts(config.port_mappings),
    };
    const madeTop = await missingCgroupTop(cgroupPath);
    if (madeTop !== undefined) rec.cgroup.madeTop = madeTop;
    await deps.sandboxes.save(rec);
    return rec;
  });
  const id = rec.id;
  return deps.locks.run(id, async () => {
    const undo = new CleanupStack((err) => deps.log(`cri: rolling back pod ${id.slice(0, 12)}: ${messageOf(err)}`));
    try {
      const dir = join(deps.runRoot, id);
      undo.defer(() => rm(dir, { recursive: true, force: true })); // released last: the pins in it go first
      await mkdirp(dir, 0o700);
      if (ns.network !== 'NODE') {
        undo.defer(() => deps.network.detach(id));
        const idle = deps.sandboxes.all().every((s) => s.id === id || s.netns === undefined);
        const { netns, ip } = await deps.network.attach(id, rec.ports, idle);
        Object.assign(rec, { netns, ip });
      }
      undo.defer(async () => {
        if (rec.ipcns) await unpinNamespace(rec.ipcns);
        if (rec.utsns) await unpinNamespace(rec.utsns);
      });
      Object.assign(rec, await pinIpcUts(dir, { ipc: ns.ipc !== 'NODE', uts: ns.network !== 'NODE', hostname: podHostname(config) }));
      if (ns.ipc !== 'NODE') {
        undo.defer(() => unmountPodShm(join(dir, 'shm')));
        rec.shm = await mountPodShm(dir);
      }
      await applySysctls(config.linux?.sysctls ?? {}, rec);
      if (ns.pid === 'POD') {
        undo.defer(() => rec.cgroup.madeTop && removeCgroup(rec.cgroup.path, rec.cgroup.madeTop));
        rec.infra = await startInfra({ netns: rec.netns, ipcns: rec.ipcns, utsns: rec.utsns, cgroup: rec.cgroup.path });
        const infra = rec.infra;
        undo.defer(() => stopInfra(infra));
      }
      if (config.log_directory) await mkdirp(config.log_directory, 0o755);
      rec.state = 'SANDBOX_READY';
      await deps.sandboxes.save(rec);
      undo.dismiss();
      return { pod_sandbox_id: id };
    } catch (err) {
      await undo.releaseAll();
      await deps.sandboxes.delete(id);
      throw err;
    }
  });
}
