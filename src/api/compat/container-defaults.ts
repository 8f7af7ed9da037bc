import type { ContainerConfig, HostConfig } from '../../core/containers.js';

/**
 * What Docker (API v1.41) shows in `HostConfig` for fields a client did not set: every field is
 * present, with these types, whichever client created the container (the docker CLI sends most of
 * them; docker-py and dockerode send few). Values berth does not support keep Docker's defaults.
 */
const HOST_CONFIG_DEFAULTS = {
  Binds: null,
  ContainerIDFile: '',
  LogConfig: { Type: 'json-file', Config: {} },
  NetworkMode: 'default',
  PortBindings: {},
  RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
  AutoRemove: false,
  VolumeDriver: '',
  VolumesFrom: null,
  ConsoleSize: [0, 0],
  CapAdd: null,
  CapDrop: null,
  CgroupnsMode: 'host',
  Dns: [],
  DnsOptions: [],
  DnsSearch: [],
  ExtraHosts: null,
  GroupAdd: null,
  IpcMode: 'private',
  Cgroup: '',
  Links: null,
  OomScoreAdj: 0,
  PidMode: '',
  Privileged: false,
  PublishAllPorts: false,
  ReadonlyRootfs: false,
  SecurityOpt: null,
  UTSMode: '',
  UsernsMode: '',
  ShmSize: 67108864,
  Runtime: 'runc',
  Isolation: '',
  CpuShares: 0,
  Memory: 0,
  NanoCpus: 0,
  CgroupParent: '',
  BlkioWeight: 0,
  BlkioWeightDevice: [],
  BlkioDeviceReadBps: [],
  BlkioDeviceWriteBps: [],
  BlkioDeviceReadIOps: [],
  BlkioDeviceWriteIOps: [],
  CpuPeriod: 0,
  CpuQuota: 0,
  CpuRealtimePeriod: 0,
  CpuRealtimeRuntime: 0,
  CpusetCpus: '',
  CpusetMems: '',
  Devices: [],
  DeviceCgroupRules: null,
  DeviceRequests: null,
  KernelMemory: 0,
  KernelMemoryTCP: 0,
  MemoryReservation: 0,
  MemorySwap: 0,
  MemorySwappiness: null,
  OomKillDisable: false,
  PidsLimit: null,
  Ulimits: [],
  CpuCount: 0,
  CpuPercent: 0,
  IOMaximumIOps: 0,
  IOMaximumBandwidth: 0,
};

/** `HostConfig` as Docker shows it, given the paths berth masks and makes read-only for this container. */
export function inspectHostConfig(hc: HostConfig, paths: { masked: readonly string[]; readonly: readonly string[] }): HostConfig & Record<string, unknown> {
  const out: Record<string, unknown> = { ...HOST_CONFIG_DEFAULTS, MaskedPaths: [...paths.masked], ReadonlyPaths: [...paths.readonly] };
  for (const [k, v] of Object.entries(hc)) if (v !== undefined) out[k] = v;
  out.RestartPolicy = { ...HOST_CONFIG_DEFAULTS.RestartPolicy, ...hc.RestartPolicy };
  // Clients send null for "the daemon's defaults" (the docker CLI does): show the paths applied.
  if (!Array.isArray(out.MaskedPaths)) out.MaskedPaths = [...paths.masked];
  if (!Array.isArray(out.ReadonlyPaths)) out.ReadonlyPaths = [...paths.readonly];
  if (out.NetworkMode === '') out.NetworkMode = 'default';
  // Docker stores "unset" for these as nil: -1 swappiness and a non-positive pids limit.
  if (out.MemorySwappiness === -1) out.MemorySwappiness = null;
  if (typeof out.PidsLimit === 'number' && out.PidsLimit <= 0) out.PidsLimit = null;
  return out as HostConfig & Record<string, unknown>;
}

const CONFIG_DEFAULTS = {
  Hostname: '',
  Domainname: '',
  User: '',
  AttachStdin: false,
  AttachStdout: false,
  AttachStderr: false,
  Tty: false,
  OpenStdin: false,
  StdinOnce: false,
  Env: null,
  Cmd: null,
  Image: '',
  Volumes: null,
  WorkingDir: '',
  Entrypoint: null,
  OnBuild: null,
  Labels: null,
};

/** Docker's container.Config with every field present (containers' `Config`, images' `Config`/`ContainerConfig`). */
export function fullConfig<T extends Partial<ContainerConfig>>(c: T | undefined): T & Record<string, unknown> {
  const out: Record<string, unknown> = { ...CONFIG_DEFAULTS };
  for (const [k, v] of Object.entries(c ?? {})) if (v !== undefined) out[k] = v;
  if (Array.isArray(out.Env) && out.Env.length === 0) out.Env = null;
  return out as T & Record<string, unknown>;
}
