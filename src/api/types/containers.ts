import type { ContainerConfig, ContainerStatus, DeviceMapping, HealthState, HostConfig, MountSpec } from '../../core/containers.js';
import type { MountPoint as CoreMountPoint } from '../../core/volumes.js';
import type { EndpointIpam } from '../../core/network.js';

/** Docker Engine API v1.41 container shapes: shared by the server (compat/) and the client (CLI). */
export type { ContainerConfig, DeviceMapping, HostConfig, MountSpec };

export interface ContainerCreateRequest extends ContainerConfig {
  HostConfig?: HostConfig;
  NetworkingConfig?: {
    EndpointsConfig?: Record<string, { Aliases?: string[] | null; Links?: string[] | null; IPAMConfig?: EndpointIpam | null }> | null;
  } | null;
}

export interface ContainerCreateResponse {
  Id: string;
  Warnings: string[];
}

export interface Port {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

/** A mount as inspect and `ps` show it (the record's copy-up flag is not part of the API). */
export type MountPoint = Omit<CoreMountPoint, 'CopyData' | 'Type'> & { Type: string };

export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  ImageID: string;
  Command: string;
  Created: number;
  Ports: Port[];
  Labels: Record<string, string>;
  State: ContainerStatus;
  Status: string;
  HostConfig: { NetworkMode: string };
  NetworkSettings: { Networks: Record<string, unknown> };
  Mounts: MountPoint[];
  SizeRw?: number;
  SizeRootFs?: number;
}

export interface ContainerStateJSON {
  Status: ContainerStatus;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  Health?: HealthState;
}

export interface ContainerInspect {
  Id: string;
  Created: string;
  Path: string;
  Args: string[];
  State: ContainerStateJSON;
  Image: string;
  ResolvConfPath: string;
  HostnamePath: string;
  HostsPath: string;
  LogPath: string;
  Name: string;
  RestartCount: number;
  Driver: string;
  Platform: string;
  MountLabel: string;
  ProcessLabel: string;
  AppArmorProfile: string;
  ExecIDs: string[] | null;
  HostConfig: HostConfig;
  GraphDriver: { Name: string; Data: Record<string, string> | null };
  Mounts: MountPoint[];
  Config: ContainerConfig;
  NetworkSettings: {
    Bridge: string;
    SandboxID: string;
    HairpinMode: boolean;
    LinkLocalIPv6Address: string;
    LinkLocalIPv6PrefixLen: number;
    Ports: Record<string, unknown>;
    SandboxKey: string;
    SecondaryIPAddresses: null;
    SecondaryIPv6Addresses: null;
    EndpointID: string;
    GlobalIPv6Address: string;
    GlobalIPv6PrefixLen: number;
    IPv6Gateway: string;
    IPAddress: string;
    IPPrefixLen: number;
    Gateway: string;
    MacAddress: string;
    Networks: Record<string, unknown>;
  };
}

export interface ContainerWaitResponse {
  StatusCode: number;
  Error: { Message: string } | null;
}

/** `X-Docker-Container-Path-Stat` (base64 JSON) of `containers/{id}/archive`; mode is Go's os.FileMode. */
export interface ContainerPathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}
