import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import type { ContainerConfig as DockerConfig, HostConfig, JoinedNamespaces, MountSpec } from '../core/containers.js';
import { mkdirp } from '../lib/atomic-file.js';
import { conflict, invalidArgument, notFound } from '../lib/errdefs.js';
import { createContainer } from '../services/containers/create.js';
import { LABEL, toContainerLabels } from './container-labels.js';
import type { PodDeps } from './deps.js';
import { findImage } from './image-view.js';
import { podHostname, podNamespaces } from './sandbox-run.js';
import { containerReservedName, nameReserved } from './name-reservation.js';
import type { SandboxRecord } from './sandbox-store.js';
import type { ContainerConfig, CriMount, LinuxContainerResources, LinuxContainerSecurityContext, PodSandboxConfig } from './types.js';

const PROPAGATION: Record<CriMount['propagation'], string> = {
  PROPAGATION_PRIVATE: 'rprivate',
  PROPAGATION_HOST_TO_CONTAINER: 'rslave',
  PROPAGATION_BIDIRECTIONAL: 'rshared',
};

/** dockershim's name: `k8s_<container>_<pod>_<namespace>_<uid>_<attempt>`. */
export function containerName(c: ContainerConfig, pod: PodSandboxConfig): string {
  const p = pod.metadata!;
  return `k8s_${c.metadata!.name}_${p.name}_${p.namespace}_${p.uid}_${c.metadata!.attempt}`;
}

/** Mounts: host paths bound (a missing one is an error, as the CRI asks), images mounted read-only. */
function mounts(list: CriMount[]): MountSpec[] {
  return list.map((m) => {
    if (!isAbsolute(m.container_path)) throw invalidArgument(`mount ${JSON.stringify(m.container_path)}: container_path must be absolute`);
    if (m.image?.image) return { Type: 'image', Source: m.image.image, Target: m.container_path, ReadOnly: true };
    return {
      Type: 'bind',
      Source: m.host_path,
      Target: m.container_path,
      ReadOnly: m.readonly,
      BindOptions: { Propagation: PROPAGATION[m.propagation] ?? 'rprivate' },
    };
  });
}

/** The seccomp profile as a security option: RuntimeDefault is berth's default profile; unset is unconfined (the CRI's default). */
async function seccompOpt(sc: LinuxContainerSecurityContext | null): Promise<string[]> {
  if (sc?.privileged) return [];
  const profile = sc?.seccomp;
  const legacy = sc?.seccomp_profile_path ?? '';
  if (profile?.profile_type === 'RuntimeDefault' || (!profile && (legacy === 'runtime/default' || legacy === 'docker/default'))) return [];
  const localhost = profile?.profile_type === 'Localhost' ? profile.localhost_ref : legacy.startsWith('localhost/') ? legacy.slice('localhost/'.length) : '';
  if (localhost) {
    const json = await readFile(localhost, 'utf8').catch(() => {
      throw invalidArgument(`seccomp profile ${localhost} cannot be read`);
    });
    return [`seccomp=${json}`];
  }
  return ['seccomp=unconfined'];
}

/**
 * The AppArmor profile as a security option, containerd's way: a Localhost profile (the field's or
 * the deprecated `localhost/<name>`) is applied where the host enforces AppArmor and refused where
 * it does not, or when the kernel has not loaded it (at create, as CRI-O checks). RuntimeDefault
 * and Unconfined apply none (berth ships no profile of its own); a privileged container gets none.
 */
export async function apparmorOpt(sc: LinuxContainerSecurityContext | null, hostEnforces: boolean): Promise<string[]> {
  if (sc === null || sc.privileged) return [];
  const ref = sc.apparmor ? (sc.apparmor.profile_type === 'Localhost' ? sc.apparmor.localhost_ref : '') : (sc.apparmor_profile ?? '');
  const name = sc.apparmor ? ref.replace(/^localhost\//, '') : ref.startsWith('localhost/') ? ref.slice('localhost/'.length) : '';
  if (name === '') return [];
  if (!hostEnforces) throw invalidArgument('apparmor is not supported');
  const loaded = await readFile('/sys/kernel/security/apparmor/profiles', 'utf8').catch(() => '');
  if (!loaded.split('\n').some((l) => l.split(' (')[0] === name)) throw invalidArgument(`apparmor profile ${JSON.stringify(name)} is not loaded`);
  return [`apparmor=${name}`];
}

/** The container's user: a uid (with the group when given) or a name resolved in the image; else the image's. */
function userOf(sc: LinuxContainerSecurityContext | null): string | undefined {
  if (sc?.run_as_username) return sc.run_as_username;
  if (sc?.run_as_user) return sc.run_as_group ? `${sc.run_as_user.value}:${sc.run_as_group.value}` : `${sc.run_as_user.value}`;
  if (sc?.run_as_group) throw invalidArgument('run_as_group is given without run_as_user or run_as_username');
  return undefined;
}

/** LinuxContainerResources as Docker's resource fields; zero is "not set". A memory limit brings no swap (Kubernetes' semantics). */
export function resourceFields(r: LinuxContainerResources | null): Partial<HostConfig> {
  if (r === null) return {};
  const out: Partial<HostConfig> = {};
  if (r.cpu_shares) out.CpuShares = r.cpu_shares;
  if (r.cpu_quota > 0) out.CpuQuota = r.cpu_quota;
  if (r.cpu_period) out.CpuPeriod = r.cpu_period;
  if (r.memory_limit_in_bytes) {
    out.Memory = r.memory_limit_in_bytes;
    out.MemorySwap = r.memory_swap_limit_in_bytes > 0 ? r.memory_limit_in_bytes + r.memory_swap_limit_in_bytes : r.memory_limit_in_bytes;
  }
  if (r.cpuset_cpus) out.CpusetCpus = r.cpuset_cpus;
  if (r.cpuset_mems) out.CpusetMems = r.cpuset_mems;
  return out;
}

/**
 * The pod's namespaces for one of its containers: network, IPC and UTS by the sandbox's pins (the
 * host's for NODE), PID by its own mode (the pod's when it gives none) — the pod's (the pause
 * process's), the container's own, the host's, or a target container's.
 */
function namespaceFields(sb: SandboxRecord, sc: LinuxContainerSecurityContext | null): { host: Partial<HostConfig>; join: JoinedNamespaces } {
  const pod = podNamespaces(sb.config);
  const host: Partial<HostConfig> = { NetworkMode: pod.network === 'NODE' ? 'host' : 'none', IpcMode: pod.ipc === 'NODE' ? 'host' : 'private' };
  if (pod.network === 'NODE') host.UTSMode = 'host';
  const join: JoinedNamespaces = {
    ...(sb.netns ? { network: sb.netns } : {}),
    ...(sb.ipcns ? { ipc: sb.ipcns } : {}),
    ...(sb.shm ? { shm: sb.shm } : {}),
    ...(sb.utsns ? { uts: sb.utsns } : {}),
  };
  const pid = sc?.namespace_options?.pid ?? pod.pid;
  if (pid === 'NODE') host.PidMode = 'host';
  else if (pid === 'TARGET') host.PidMode = `container:${sc!.namespace_options!.target_id}`;
  // POD in a pod without a shared PID namespace (no pause process) is the container's own.
  else if (pid === 'POD' && sb.infra !== undefined) join.pid = `/proc/${sb.infra.pid}/ns/pid`;
  return { host, join };
}

/**
 * `CreateContainer`: an ordinary berth container (so `docker ps -a`, `logs` and `exec` see it)
 * named and labelled as dockershim did, in the sandbox's namespaces and cgroup, with its
 * output written by conmon in the CRI log format at `<log_directory>/<log_path>`.
 * Kubernetes' command semantics: `command` replaces the image's entrypoint (and its cmd),
 * `args` alone replaces the cmd.
 */
export async function createCriContainer(
  deps: PodDeps,
  req: { pod_sandbox_id: string; config: ContainerConfig | null; sandbox_config: PodSandboxConfig | null },
): Promise<{ container_id: string }> {
  const c = req.config;
  if (c === null || !c.metadata?.name) throw invalidArgument('CreateContainer: config.metadata.name is required');
  const sb = deps.sandboxes.get(req.pod_sandbox_id);
  if (sb.state !== 'SANDBOX_READY') throw conflict(`pod sandbox ${sb.id} is not ready`);
  const ref = c.image?.image ?? '';
  const image = findImage(deps.containers.images, ref);
  if (image === undefined) throw notFound(`image ${JSON.stringify(ref)} not found`);
  const sc = c.linux?.security_context ?? null;
  const pod = sb.config;
  // As containerd and CRI-O: a pod that did not ask for privileges gets no privileged container.
  if (sc?.privileged && !pod.linux?.security_context?.privileged) throw invalidArgument('no privileged container allowed in sandbox');
  const logPath = pod.log_directory && c.log_path ? join(pod.log_directory, c.log_path) : '';
  if (logPath) await mkdirp(dirname(logPath), 0o755);
  const ns = namespaceFields(sb, sc);
  const md = pod.metadata!;
  const labels = {
    ...toContainerLabels(c.labels, c.annotations),
    [LABEL.containerName]: c.metadata.name,
    [LABEL.podName]: md.name,
    [LABEL.podNamespace]: md.namespace,
    [LABEL.podUid]: md.uid,
    [LABEL.sandboxId]: sb.id,
    [LABEL.type]: 'container',
    ...(logPath ? { [LABEL.logPath]: logPath } : {}),
  };
  const dns = pod.dns_config;
  const hostNet = ns.host.NetworkMode === 'host';
  const config: DockerConfig = {
    Image: deps.containers.images.resolve(ref) ? ref : image.id,
    ...(c.command.length > 0 ? { Entrypoint: c.command } : {}),
    ...(c.args.length > 0 ? { Cmd: c.args } : {}),
    Env: c.envs.map((e) => `${e.key}=${e.value}`),
    WorkingDir: c.working_dir,
    Labels: labels,
    Tty: c.tty,
    OpenStdin: c.stdin,
    StdinOnce: c.stdin_once,
    AttachStdin: c.stdin,
    ...(hostNet ? {} : { Hostname: podHostname(pod) }),
    ...(userOf(sc) !== undefined ? { User: userOf(sc) } : {}),
  };
  const hostConfig: HostConfig = {
    ...ns.host,
    CgroupParent: sb.cgroup.path,
    Mounts: mounts(c.mounts),
    Devices: c.devices.map((d) => ({ PathOnHost: d.host_path, PathInContainer: d.container_path, CgroupPermissions: d.permissions || 'rwm' })),
    Privileged: sc?.privileged ?? false,
    ReadonlyRootfs: sc?.readonly_rootfs ?? false,
    CapAdd: sc?.capabilities?.add_capabilities ?? [],
    CapDrop: sc?.capabilities?.drop_capabilities ?? [],
    GroupAdd: (sc?.supplemental_groups ?? []).map(String),
    SecurityOpt: [
      ...(await seccompOpt(sc)),
      ...(await apparmorOpt(sc, deps.containers.security?.apparmor === true)),
      ...(sc?.no_new_privs ? ['no-new-privileges:true'] : []),
    ],
    MaskedPaths: sc?.masked_paths.length ? sc.masked_paths : null,
    ReadonlyPaths: sc?.readonly_paths.length ? sc.readonly_paths : null,
    ...resourceFields(c.linux?.resources ?? null),
    ...(c.linux?.resources?.oom_score_adj ? { OomScoreAdj: c.linux.resources.oom_score_adj } : {}),
    ...(dns ? { Dns: dns.servers, DnsSearch: dns.searches, DnsOptions: dns.options } : {}),
    ...(sb.ip && !hostNet ? { ExtraHosts: [`${podHostname(pod)}:${sb.ip}`] } : {}),
    ...(sb.runtimeHandler ? { Runtime: sb.runtimeHandler } : {}),
    RestartPolicy: { Name: 'no' },
  };
  // One container per name in a pod, as containerd reserves it: concurrent calls with one name
  // are serialised, and the later ones find the first one's container.
  const name = containerName(c, pod);
  return deps.locks.run(`name:${name}`, async () => {
    const taken = deps.containers.store.find(name);
    if (taken !== undefined && taken.Name === name) throw nameReserved('container', containerReservedName(c.metadata!, md), taken.Id);
    const created = await createContainer(deps.containers, { name, config, hostConfig, joinNamespaces: ns.join, ...(logPath ? { externalLog: logPath } : {}) });
    return { container_id: created.Id };
  });
}
