export interface VersionResponse {
  Platform: { Name: string };
  /** Engine, runc, conmon: the pieces that run containers (Docker lists containerd, runc, docker-init). */
  Components: Array<{ Name: string; Version: string; Details?: Record<string, string> }>;
  Version: string;
  ApiVersion: string;
  MinAPIVersion: string;
  GitCommit: string;
  GoVersion: string;
  Os: string;
  Arch: string;
  KernelVersion: string;
  BuildTime: string;
}

/** `Expected` is left out from 1.49. */
export interface InfoCommit {
  ID: string;
  Expected?: string;
}

/**
 * `GET /info`. `DiscoveredDevices` (1.50), `Containerd` (1.46) and `NRI` (1.53) are left out, as
 * Docker leaves them out without CDI devices, without containerd and without NRI.
 */
export interface InfoResponse {
  ID: string;
  Containers: number;
  ContainersRunning: number;
  ContainersPaused: number;
  ContainersStopped: number;
  Images: number;
  Driver: string;
  DriverStatus: Array<[string, string]>;
  Plugins: { Volume: string[]; Network: string[]; Authorization: string[] | null; Log: string[] };
  MemoryLimit: boolean;
  SwapLimit: boolean;
  CpuCfsPeriod: boolean;
  CpuCfsQuota: boolean;
  CPUShares: boolean;
  CPUSet: boolean;
  PidsLimit: boolean;
  /** Up to 1.41 only (left out from 1.42 when unsupported, removed in 1.52). */
  KernelMemoryTCP?: boolean;
  OomKillDisable: boolean;
  IPv4Forwarding: boolean;
  /** Up to 1.49 only, always false (the module is loaded on demand). */
  BridgeNfIptables?: boolean;
  BridgeNfIp6tables?: boolean;
  Debug: boolean;
  NFd: number;
  NGoroutines: number;
  SystemTime: string;
  LoggingDriver: string;
  CgroupDriver: string;
  CgroupVersion: string;
  NEventsListener: number;
  KernelVersion: string;
  OperatingSystem: string;
  OSVersion: string;
  OSType: string;
  Architecture: string;
  NCPU: number;
  MemTotal: number;
  IndexServerAddress: string;
  RegistryConfig: {
    /** Up to 1.46 only, null. */
    AllowNondistributableArtifactsCIDRs?: null;
    AllowNondistributableArtifactsHostnames?: null;
    InsecureRegistryCIDRs: string[];
    IndexConfigs: Record<string, { Name: string; Mirrors: string[]; Secure: boolean; Official: boolean }>;
    Mirrors: string[];
  };
  GenericResources: null;
  DockerRootDir: string;
  HttpProxy: string;
  HttpsProxy: string;
  NoProxy: string;
  Name: string;
  Labels: string[];
  ExperimentalBuild: boolean;
  ServerVersion: string;
  Runtimes: Record<string, { path: string }>;
  DefaultRuntime: string;
  Swarm: { LocalNodeState: string; NodeID: string; NodeAddr: string; ControlAvailable: boolean; Error: string; RemoteManagers: null };
  LiveRestoreEnabled: boolean;
  Isolation: string;
  InitBinary: string;
  ContainerdCommit: InfoCommit;
  RuncCommit: InfoCommit;
  InitCommit: InfoCommit;
  SecurityOptions: string[];
  /** From 1.44: the CDI spec directories (none: berth has no CDI, as Docker without experimental). */
  CDISpecDirs?: string[];
  /** From 1.49: what programs the firewall. */
  FirewallBackend?: { Driver: string; Info?: Array<[string, string]> };
  Warnings: string[] | null;
}

export interface ErrorResponse {
  message: string;
}
