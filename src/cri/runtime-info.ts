import type { CriDeps } from './deps.js';

/** The CRI API version berth serves; the kubelet asks for it in VersionRequest.version. */
export const CRI_API_VERSION = 'v1';

export interface VersionResponse {
  version: string;
  runtime_name: string;
  runtime_version: string;
  runtime_api_version: string;
}

/** `Version`: berth and the CRI version it serves (containerd and CRI-O answer `version` "0.1.0" too). */
export function version(deps: Pick<CriDeps, 'version'>): VersionResponse {
  return { version: '0.1.0', runtime_name: 'berth', runtime_version: deps.version, runtime_api_version: CRI_API_VERSION };
}

interface Condition {
  type: string;
  status: boolean;
  reason: string;
  message: string;
}

/**
 * `Status`: the two conditions the kubelet requires. The runtime is ready once berthd serves;
 * the network is ready when the CNI plugins are installed and the pods' network can be made
 * (a pod CIDR given, or one free in the address pools).
 */
export async function status(
  deps: Pick<CriDeps, 'pods'>,
): Promise<{ status: { conditions: Condition[] }; info: Record<string, string>; runtime_handlers: unknown[] }> {
  const net = await deps.pods.network.ready();
  return {
    status: {
      conditions: [
        { type: 'RuntimeReady', status: true, reason: '', message: '' },
        { type: 'NetworkReady', status: net.ok, reason: net.ok ? '' : 'NetworkPluginNotReady', message: net.message },
      ],
    },
    info: {},
    runtime_handlers: [{ name: '', features: { recursive_read_only_mounts: false, user_namespaces: false } }],
  };
}

/**
 * `RuntimeConfig`: the cgroup driver the kubelet must match. berth places containers with
 * cgroupfs paths (as `docker info` says: CgroupDriver cgroupfs), never through systemd.
 */
export function runtimeConfig(): { linux: { cgroup_driver: 'CGROUPFS' } } {
  return { linux: { cgroup_driver: 'CGROUPFS' } };
}

/**
 * `UpdateRuntimeConfig`: the kubelet's pod CIDR becomes the pods' network's subnet (kept on disk);
 * while pods use the old one the change waits for them to go. An empty CIDR changes nothing.
 */
export async function updateRuntimeConfig(
  deps: Pick<CriDeps, 'pods'>,
  req: { runtime_config: { network_config: { pod_cidr: string } | null } | null },
): Promise<Record<string, never>> {
  const cidr = req.runtime_config?.network_config?.pod_cidr ?? '';
  if (cidr === '') return {};
  const inUse = deps.pods.sandboxes.all().some((s) => s.netns !== undefined);
  await deps.pods.network.setCidr(cidr.split(',')[0]!.trim(), inUse);
  return {};
}
