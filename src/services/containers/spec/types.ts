import type { ContainerRecord } from '../../../core/containers.js';
import type { LinuxDevice, LinuxIDMapping, Spec } from '../../../lib/oci/runtime-spec.js';

/** The container's user as resolved against the image's /etc/passwd and /etc/group. */
export interface ResolvedUser {
  uid: number;
  gid: number;
  /** Docker's order: the primary gid first, then supplementary groups; no duplicates. */
  additionalGids: number[];
  home: string;
}

/**
 * Everything an option may read. Facts about the host (limits, hostname for `--network host`)
 * are resolved by the caller and passed in, so options stay pure and testable; the one
 * exception is the host capability mask, see capabilities.ts.
 */
export interface SpecContext {
  record: ContainerRecord;
  /** Host path of the mounted rootfs. */
  rootfs: string;
  user: ResolvedUser;
  /** The hostname to set: Config.Hostname, or the host's own for `--network host`. */
  hostname: string;
  /** Legacy links' variables (`<ALIAS>_PORT…`, `_NAME`, `_ENV_…`), before Config.Env. */
  linkEnv?: string[];
  /** berthd's own RLIMIT_NOFILE; a container may not exceed the hard one (EPERM otherwise). */
  hostNofile: { soft: number; hard: number };
  /** daemon.json `default-ulimits`: apply where HostConfig.Ulimits has none of that name. */
  defaultUlimits?: Array<{ Name: string; Soft: number; Hard: number }>;
  /** A prepared network namespace to join (CNI); without it a new, empty one is created. */
  netnsPath?: string;
  /** userns-remap: the user namespace that owns netnsPath, joined instead of making a new one. */
  usernsPath?: string;
  /**
   * Namespaces to join by path, resolved by the caller: another container's (`--pid`/`--ipc
   * container:<x>`) or those the record names (ContainerRecord.JoinNamespaces, a pod's pins).
   */
  join?: { pid?: string; ipc?: string; uts?: string; network?: string };
  /** The host path bound at /dev/shm for `--ipc host` or `container:<x>`. */
  shmSource?: string;
  /** Host device nodes to create: `--device` items, or all of the host's for `--privileged`. */
  devices?: HostDevice[];
  /** Daemon-wide facts; absent in unit fixtures (cgroup v1, no remapping, no AppArmor). */
  daemon?: DaemonSecurity;
}

/** A host device node as the container gets it. */
export interface HostDevice {
  device: LinuxDevice;
  /** Device cgroup access: some of 'rwm'. */
  permissions: string;
}

export interface DaemonSecurity {
  cgroupVersion: '1' | '2';
  /** userns-remap: container ids 0… map to these host ranges; `key` is "<uid>.<gid>" of root. */
  remap?: { key: string; uidMappings: LinuxIDMapping[]; gidMappings: LinuxIDMapping[] };
  /** The host enforces AppArmor (profiles can be applied). */
  apparmor: boolean;
  /** false: the kernel has no seccomp filters (no CONFIG_SECCOMP_FILTER), so containers run without a profile, as Docker's do there. */
  seccomp?: boolean;
}

/** One flag family's contribution to the spec: mutates `spec` in place; throws BerthError. */
export type SpecOption = (spec: Spec, ctx: SpecContext) => void;
