import type { HealthConfig } from '../lib/oci/image-config.js';
import type { MountPoint } from './volumes.js';
import type { EndpointSettings, PortMapping } from './network.js';

/** Docker's healthcheck is an image-spec shape (lib/oci), shared by container and image configs. */
export type { HealthConfig };

/** HostConfig.Mounts item (`--mount`), Docker's mount.Mount. */
export interface MountSpec {
  Type?: string;
  Source?: string;
  Target?: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: {
    Propagation?: string;
    NonRecursive?: boolean;
    CreateMountpoint?: boolean;
    /** API 1.44: a read-only bind is recursively read-only unless this says otherwise. */
    ReadOnlyNonRecursive?: boolean;
    /** API 1.44: fail rather than fall back to a non-recursive read-only bind. */
    ReadOnlyForceRecursive?: boolean;
  } | null;
  VolumeOptions?: {
    NoCopy?: boolean;
    /** API 1.45: mount this directory of the volume, not its root. */
    Subpath?: string;
    Labels?: Record<string, string> | null;
    DriverConfig?: { Name?: string; Options?: Record<string, string> | null } | null;
  } | null;
  TmpfsOptions?: { SizeBytes?: number; Mode?: number } | null;
  /** API 1.48 `type=image`: mount this directory of the image, not its root. */
  ImageOptions?: { Subpath?: string } | null;
}

/**
 * Container configuration as the Docker Engine API defines it (v1.41). These shapes are the
 * domain model: the API decodes requests into them, services act on them, and compat/ turns
 * records back into Docker's JSON. Only the fields berth understands are typed; unknown
 * fields are preserved by the API layer where Docker echoes them back.
 */
export interface ContainerConfig {
  Hostname?: string;
  Domainname?: string;
  User?: string;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  ExposedPorts?: Record<string, object> | null;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Entrypoint?: string[] | null;
  Image?: string;
  Volumes?: Record<string, object> | null;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  StopTimeout?: number | null;
  Healthcheck?: HealthConfig | null;
  /** Deprecated by API 1.44 for `EndpointSettings.MacAddress`: moved there at create. */
  MacAddress?: string;
}

export interface HealthState {
  Status: 'starting' | 'healthy' | 'unhealthy';
  FailingStreak: number;
  Log: Array<{ Start: string; End: string; ExitCode: number; Output: string }>;
}

export interface RestartPolicy {
  Name: '' | 'no' | 'always' | 'unless-stopped' | 'on-failure';
  MaximumRetryCount?: number;
}

export interface HostConfig {
  Binds?: string[] | null;
  Mounts?: MountSpec[] | null;
  Tmpfs?: Record<string, string> | null;
  VolumesFrom?: string[] | null;
  VolumeDriver?: string;
  NetworkMode?: string;
  PortBindings?: Record<string, Array<{ HostIp?: string; HostPort?: string }>> | null;
  PublishAllPorts?: boolean;
  RestartPolicy?: RestartPolicy;
  AutoRemove?: boolean;
  Privileged?: boolean;
  ReadonlyRootfs?: boolean;
  CapAdd?: string[] | null;
  CapDrop?: string[] | null;
  Dns?: string[] | null;
  DnsSearch?: string[] | null;
  DnsOptions?: string[] | null;
  ExtraHosts?: string[] | null;
  /** Legacy links, "name:alias" (services/networks/links.ts). */
  Links?: string[] | null;
  Init?: boolean | null;
  Memory?: number;
  MemorySwap?: number;
  MemoryReservation?: number;
  OomKillDisable?: boolean | null;
  BlkioWeight?: number;
  CpuShares?: number;
  CpuQuota?: number;
  CpuPeriod?: number;
  NanoCpus?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  /** The process's oom_score_adj (-1000…1000). */
  OomScoreAdj?: number;
  PidsLimit?: number | null;
  ShmSize?: number;
  Ulimits?: Array<{ Name: string; Soft: number; Hard: number }> | null;
  LogConfig?: { Type: string; Config?: Record<string, string> };
  Runtime?: string;
  /** `--memory-swappiness`: 0-100, -1 or null = the kernel's default (cgroup v1 only). */
  MemorySwappiness?: number | null;
  /** `--cpu-rt-period` / `--cpu-rt-runtime` (µs; cgroup v1 with the real-time group scheduler). */
  CpuRealtimePeriod?: number;
  CpuRealtimeRuntime?: number;
  /** `--device-cgroup-rule`: `c|b|a MAJOR|*:MINOR|* rwm`, added to the device cgroup. */
  DeviceCgroupRules?: string[] | null;
  /** `--device host[:container[:perms]]`. */
  Devices?: DeviceMapping[] | null;
  SecurityOpt?: string[] | null;
  /** '' (private), 'host', 'container:<id>'. */
  PidMode?: string;
  /** '', 'none', 'private', 'shareable', 'host', 'container:<id>' (create fills the default, 'private'). */
  IpcMode?: string;
  /** '' or 'host'. */
  UTSMode?: string;
  /** The cgroup the container's own is made in: a cgroupfs path (`/kubepods/pod…`) or a systemd slice (`kubepods-pod….slice`); '' is berth's `/berth`. */
  CgroupParent?: string;
  /** 'private' or 'host' (create fills the default: private on cgroup v2, host on v1). */
  CgroupnsMode?: string;
  /** '' or 'host' (opts out of the daemon's userns-remap). */
  UsernsMode?: string;
  /** Supplementary groups, by name (in the image's /etc/group) or number. */
  GroupAdd?: string[] | null;
  Sysctls?: Record<string, string> | null;
  /** null: Docker's defaults (create fills them in); []: none (`systempaths=unconfined`). */
  MaskedPaths?: string[] | null;
  ReadonlyPaths?: string[] | null;
}

/** HostConfig.Devices item. */
export interface DeviceMapping {
  PathOnHost: string;
  PathInContainer: string;
  CgroupPermissions: string;
}

/** Docker's lifecycle states. */
export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerState {
  Status: ContainerStatus;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  OOMKilled: boolean;
  /** Present while a container with a healthcheck runs (and after, as its last result). */
  Health?: HealthState;
}

/** berth's own record of a container, persisted as containers/<id>/record.json. */
export interface ContainerRecord {
  Id: string;
  Name: string; // without the leading slash
  Created: string; // RFC 3339 with nanoseconds
  Path: string;
  Args: string[];
  Config: ContainerConfig;
  HostConfig: HostConfig;
  Image: string; // image ID (sha256:...)
  ImageRef: string; // the reference the user gave, as Docker shows it in `ps`
  State: ContainerState;
  RestartCount: number;
  /** Set by a user's stop or kill, cleared by start: restart policies and daemon start-up honour it (Docker's HasBeenManuallyStopped). */
  HasBeenManuallyStopped?: boolean;
  /** Volumes, binds and tmpfs mounts, resolved once at create (Docker's MountPoints). */
  MountPoints?: MountPoint[];
  /** Resolved host-side files and paths; derived once at create. */
  Paths: ContainerPaths;
  /** Networks joined (by network name; addresses filled while running) and published ports. */
  NetworkSettings?: { Networks: Record<string, EndpointSettings>; Ports: PortMapping[] };
  /**
   * Namespaces the container joins by path (pinned by their owner, e.g. a CRI pod sandbox) instead
   * of making its own or sharing another container's; set at create, resolved at each start.
   */
  JoinNamespaces?: JoinedNamespaces;
}

/** Paths of namespace files (`/proc/<pid>/ns/<kind>` or a bind-mounted pin) to join. */
export interface JoinedNamespaces {
  network?: string;
  ipc?: string;
  uts?: string;
  pid?: string;
  /** The host directory bound at /dev/shm, the one that goes with the joined IPC namespace (a pod's shared tmpfs). */
  shm?: string;
}

export interface ContainerPaths {
  Bundle: string;
  Rootfs: string;
  LogPath: string;
  HostnamePath: string;
  HostsPath: string;
  ResolvConfPath: string;
  /**
   * A k8s-file log that another program owns and rotates (the kubelet's log_path): conmon writes
   * the capture there, and berth reads it but never trims it (ReopenContainerLog follows a rotation).
   */
  ExternalLog?: string;
}

/** Whether the container's process exists: running or paused (stop, kill, exec and `container:` modes need one). */
export function isLive(rec: Pick<ContainerRecord, 'State'>): boolean {
  return rec.State.Status === 'running' || rec.State.Status === 'paused';
}

/** The images a container uses: its own and those it mounts (`--mount type=image`); none of them may be removed under it. */
export function usesImage(rec: Pick<ContainerRecord, 'Image' | 'MountPoints'>, imageId: string): boolean {
  return rec.Image === imageId || (rec.MountPoints ?? []).some((m) => m.ImageID === imageId);
}
