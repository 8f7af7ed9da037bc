import type { ContainerConfig, DeviceMapping, HealthConfig, HostConfig, MountSpec, RestartPolicy } from '../core/containers.js';
import type { ExecConfig } from '../core/exec.js';
import type { ImageRuntimeConfig } from '../core/images.js';
import type { EndpointIpam } from '../core/network.js';
import type { AuthConfig } from '../core/registry.js';
import type { UpdateConfig } from '../services/containers/update.js';
import { list, map, struct, type JsonType } from './decode.js';
import type { ContainerCreateRequest } from './types/containers.js';
import type { ExecStartRequest } from './types/exec.js';
import type { NetworkConnectRequest, NetworkCreateRequest, NetworkDisconnectRequest } from './types/networks.js';
import type { VolumeCreateRequest } from './types/volumes.js';

/**
 * The JSON shape of every request body the API reads, checked once by `readJson` before a
 * handler sees it. `struct<T>` makes each shape list exactly T's fields, so a field added to a
 * type fails to compile until it is given a JSON type here.
 */
const strings = list('string');
const stringMap = map('string');
/** ExposedPorts and Volumes: Go's `map[string]struct{}`. */
const objectMap = map('empty');

const ENDPOINT = struct<NonNullable<NetworkConnectRequest['EndpointConfig']>>('EndpointSettings', {
  Aliases: strings,
  Links: strings,
  IPAMConfig: struct<EndpointIpam>('EndpointIPAMConfig', { IPv4Address: 'string', IPv6Address: 'string', LinkLocalIPs: strings }),
  MacAddress: 'string',
  GwPriority: 'int',
});

const HEALTH = struct<HealthConfig>('HealthConfig', {
  Test: strings,
  Interval: 'int',
  Timeout: 'int',
  StartPeriod: 'int',
  StartInterval: 'int',
  Retries: 'int',
});

const CONFIG_FIELDS = {
  Hostname: 'string',
  Domainname: 'string',
  User: 'string',
  AttachStdin: 'bool',
  AttachStdout: 'bool',
  AttachStderr: 'bool',
  ExposedPorts: objectMap,
  Tty: 'bool',
  OpenStdin: 'bool',
  StdinOnce: 'bool',
  Env: strings,
  Cmd: 'strslice',
  Entrypoint: 'strslice',
  Image: 'string',
  Volumes: objectMap,
  WorkingDir: 'string',
  Labels: stringMap,
  StopSignal: 'string',
  StopTimeout: 'int',
  Healthcheck: HEALTH,
  MacAddress: 'string',
} satisfies { [K in keyof Required<ContainerConfig>]: JsonType };

const MOUNT = struct<MountSpec>('Mount', {
  Type: 'string',
  Source: 'string',
  Target: 'string',
  ReadOnly: 'bool',
  Consistency: 'string',
  BindOptions: struct<NonNullable<MountSpec['BindOptions']>>('BindOptions', {
    Propagation: 'string',
    NonRecursive: 'bool',
    CreateMountpoint: 'bool',
    ReadOnlyNonRecursive: 'bool',
    ReadOnlyForceRecursive: 'bool',
  }),
  VolumeOptions: struct<NonNullable<MountSpec['VolumeOptions']>>('VolumeOptions', {
    NoCopy: 'bool',
    Subpath: 'string',
    Labels: stringMap,
    DriverConfig: struct<{ Name?: string; Options?: Record<string, string> | null }>('Driver', { Name: 'string', Options: stringMap }),
  }),
  TmpfsOptions: struct<NonNullable<MountSpec['TmpfsOptions']>>('TmpfsOptions', { SizeBytes: 'int', Mode: 'uint' }),
  ImageOptions: struct<NonNullable<MountSpec['ImageOptions']>>('ImageOptions', { Subpath: 'string' }),
});

const RESTART_POLICY = struct<RestartPolicy>('RestartPolicy', { Name: 'string', MaximumRetryCount: 'int' });

const HOST_CONFIG = struct<HostConfig>('HostConfig', {
  Binds: strings,
  Mounts: list(MOUNT),
  Tmpfs: stringMap,
  VolumesFrom: strings,
  VolumeDriver: 'string',
  NetworkMode: 'string',
  PortBindings: map(list(struct<{ HostIp?: string; HostPort?: string }>('PortBinding', { HostIp: 'string', HostPort: 'string' }))),
  PublishAllPorts: 'bool',
  RestartPolicy: RESTART_POLICY,
  AutoRemove: 'bool',
  Privileged: 'bool',
  ReadonlyRootfs: 'bool',
  CapAdd: 'strslice',
  CapDrop: 'strslice',
  Dns: strings,
  DnsSearch: strings,
  DnsOptions: strings,
  ExtraHosts: strings,
  Init: 'bool',
  Memory: 'int',
  MemorySwap: 'int',
  MemoryReservation: 'int',
  OomKillDisable: 'bool',
  BlkioWeight: 'uint',
  CpuShares: 'int',
  CpuQuota: 'int',
  CpuPeriod: 'int',
  NanoCpus: 'int',
  CpusetCpus: 'string',
  CpusetMems: 'string',
  OomScoreAdj: 'int',
  PidsLimit: 'int',
  ShmSize: 'int',
  Ulimits: list(struct<{ Name: string; Soft: number; Hard: number }>('Ulimit', { Name: 'string', Soft: 'int', Hard: 'int' })),
  LogConfig: struct<NonNullable<HostConfig['LogConfig']>>('LogConfig', { Type: 'string', Config: stringMap }),
  Runtime: 'string',
  MemorySwappiness: 'int',
  CpuRealtimePeriod: 'int',
  CpuRealtimeRuntime: 'int',
  DeviceCgroupRules: strings,
  Devices: list(struct<DeviceMapping>('DeviceMapping', { PathOnHost: 'string', PathInContainer: 'string', CgroupPermissions: 'string' })),
  SecurityOpt: strings,
  PidMode: 'string',
  IpcMode: 'string',
  UTSMode: 'string',
  CgroupParent: 'string',
  CgroupnsMode: 'string',
  UsernsMode: 'string',
  GroupAdd: strings,
  Sysctls: stringMap,
  MaskedPaths: strings,
  ReadonlyPaths: strings,
  Links: strings,
});

export const CONTAINER_CREATE = struct<ContainerCreateRequest>('CreateRequest', {
  ...CONFIG_FIELDS,
  HostConfig: HOST_CONFIG,
  NetworkingConfig: struct<NonNullable<ContainerCreateRequest['NetworkingConfig']>>('NetworkingConfig', { EndpointsConfig: map(ENDPOINT) }),
});

export const CONTAINER_UPDATE = struct<UpdateConfig>('UpdateConfig', {
  CpuShares: 'int',
  CpuQuota: 'int',
  CpuPeriod: 'int',
  NanoCpus: 'int',
  CpusetCpus: 'string',
  Memory: 'int',
  MemorySwap: 'int',
  PidsLimit: 'int',
  RestartPolicy: RESTART_POLICY,
});

export const COMMIT_CONFIG = struct<ImageRuntimeConfig>('Config', {
  User: 'string',
  ExposedPorts: objectMap,
  Env: strings,
  Entrypoint: 'strslice',
  Cmd: 'strslice',
  Volumes: objectMap,
  WorkingDir: 'string',
  Labels: stringMap,
  StopSignal: 'string',
  Healthcheck: HEALTH,
  OnBuild: strings,
  Shell: 'strslice',
});

export const EXEC_CREATE = struct<ExecConfig>('ExecConfig', {
  AttachStdin: 'bool',
  AttachStdout: 'bool',
  AttachStderr: 'bool',
  DetachKeys: 'string',
  Tty: 'bool',
  ConsoleSize: list('uint'),
  Env: strings,
  Cmd: 'strslice',
  Privileged: 'bool',
  User: 'string',
  WorkingDir: 'string',
});

export const EXEC_START = struct<ExecStartRequest>('ExecStartCheck', { Detach: 'bool', Tty: 'bool', ConsoleSize: list('uint') });

export const VOLUME_CREATE = struct<VolumeCreateRequest>('CreateOptions', { Name: 'string', Driver: 'string', DriverOpts: stringMap, Labels: stringMap });

export const NETWORK_CREATE = struct<NetworkCreateRequest>('NetworkCreateRequest', {
  Name: 'string',
  CheckDuplicate: 'bool',
  Driver: 'string',
  Internal: 'bool',
  Attachable: 'bool',
  EnableIPv6: 'bool',
  EnableIPv4: 'bool',
  IPAM: struct<NonNullable<NetworkCreateRequest['IPAM']>>('IPAM', {
    Driver: 'string',
    Config: list(struct<{ Subnet?: string; Gateway?: string; IPRange?: string }>('IPAMConfig', { Subnet: 'string', Gateway: 'string', IPRange: 'string' })),
    Options: stringMap,
  }),
  Options: stringMap,
  Labels: stringMap,
});

export const NETWORK_CONNECT = struct<NetworkConnectRequest>('NetworkConnect', { Container: 'string', EndpointConfig: ENDPOINT });
export const NETWORK_DISCONNECT = struct<NetworkDisconnectRequest>('NetworkDisconnect', { Container: 'string', Force: 'bool' });

export const AUTH_CONFIG = struct<AuthConfig>('AuthConfig', {
  username: 'string',
  password: 'string',
  auth: 'string',
  identitytoken: 'string',
  registrytoken: 'string',
  serveraddress: 'string',
});
