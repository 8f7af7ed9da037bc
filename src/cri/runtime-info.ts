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
 * the network is ready because berth's CNI bridge network is set up at start-up (pods' own
 * network set-up comes with RunPodSandbox).
 */
export function status(): { status: { conditions: Condition[] }; info: Record<string, string>; runtime_handlers: unknown[] } {
  return {
    status: {
      conditions: [
        { type: 'RuntimeReady', status: true, reason: '', message: '' },
        { type: 'NetworkReady', status: true, reason: '', message: '' },
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
