import { cpus, hostname, release, totalmem } from 'node:os';
import type { ContainerStore } from '../../services/containers/store.js';
import type { ImageStore } from '../../core/images.js';
import type { EventBus } from '../../services/events.js';
import { backingFilesystem, binaryVersion, openFds, operatingSystem, swapLimitSupported, sysctlOn } from '../../services/system/facts.js';
import type { Router } from '../router.js';
import { API_VERSION, MIN_API_VERSION, SERVER_VERSION } from '../types/version.js';
import type { InfoResponse, VersionResponse } from '../types/system.js';
import { at } from '../versions.js';

/** The daemon's configuration as `info` shows it; read at each request (SIGHUP changes some). */
export interface DaemonView {
  readonly debug: boolean;
  readonly labels: string[];
  readonly loggingDriver: string;
  readonly logDrivers: string[];
  readonly runtimes: Record<string, { path: string; runtimeArgs?: string[] }>;
  readonly defaultRuntime: string;
  readonly registry: { insecure: string[]; mirrors: string[] };
  readonly securityOptions: string[];
  readonly warnings: string[];
  readonly conmon: string;
}

export interface SystemDeps {
  containers: ContainerStore;
  images: ImageStore;
  events: EventBus;
  driver: string;
  dataRoot: string;
  daemonId: string;
  cgroupVersion: '1' | '2';
  daemon: DaemonView;
}

const ARCH: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64' };
const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };
const goArch = (): string => GOARCH[process.arch] ?? process.arch;
/** Node's version where Docker puts Go's (`GoVersion`). */
const NODE_VERSION = `node ${process.version}`;

const isCidr = (s: string): boolean => /^[\d.]+\/\d+$/.test(s) || /^[0-9a-f:]+\/\d+$/i.test(s);

/** RegistryConfig as dockerd reports it: CIDRs apart from names; loopback is always insecure. */
function registryConfig(r: DaemonView['registry'], version: string): InfoResponse['RegistryConfig'] {
  const indexes: InfoResponse['RegistryConfig']['IndexConfigs'] = { 'docker.io': { Name: 'docker.io', Mirrors: r.mirrors, Secure: true, Official: true } };
  for (const name of r.insecure.filter((s) => !isCidr(s))) indexes[name] = { Name: name, Mirrors: [], Secure: false, Official: false };
  return {
    ...(at(version, 'noAllowNondistributable') ? {} : { AllowNondistributableArtifactsCIDRs: null, AllowNondistributableArtifactsHostnames: null }),
    InsecureRegistryCIDRs: [...new Set(['127.0.0.0/8', ...r.insecure.filter(isCidr)])],
    IndexConfigs: indexes,
    Mirrors: r.mirrors,
  };
}

async function driverStatus(driver: string, dataRoot: string): Promise<Array<[string, string]>> {
  if (driver !== 'overlayfs' && driver !== 'overlay2') return [];
  return [
    ['Backing Filesystem', await backingFilesystem(dataRoot).catch(() => '<unknown>')],
    ['Supports d_type', 'true'],
    ['Native Overlay Diff', 'true'],
    ['userxattr', 'false'],
  ];
}

export function systemRoutes(router: Router, deps: SystemDeps): void {
  const ping = async (ctx: Parameters<Parameters<Router['add']>[2]>[0]): Promise<void> => {
    const res = ctx.res!;
    // Builder-Version 2: BuildKit (`/grpc`, `/session`), as dockerd on Linux says. The docker CLI without buildx still uses `POST /build`.
    res.writeHead(200, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-cache, no-store, must-revalidate',
      Pragma: 'no-cache',
      'Builder-Version': '2',
    });
    res.end(ctx.req.method === 'HEAD' ? undefined : 'OK');
  };
  router.add('GET', '/_ping', ping);
  router.add('HEAD', '/_ping', ping);

  router.add('GET', '/version', async (): Promise<VersionResponse> => {
    const kernel = release();
    const runc = await binaryVersion(deps.daemon.runtimes[deps.daemon.defaultRuntime]?.path ?? 'runc');
    const conmon = await binaryVersion(deps.daemon.conmon);
    return {
      Platform: { Name: 'berth' },
      Components: [
        {
          Name: 'Engine',
          Version: SERVER_VERSION,
          Details: {
            ApiVersion: API_VERSION,
            Arch: goArch(),
            BuildTime: '',
            Experimental: 'false',
            GitCommit: 'berth',
            GoVersion: NODE_VERSION,
            KernelVersion: kernel,
            MinAPIVersion: MIN_API_VERSION,
            Os: 'linux',
          },
        },
        { Name: 'runc', Version: runc.version, Details: { GitCommit: runc.commit } },
        { Name: 'conmon', Version: conmon.version, Details: { GitCommit: conmon.commit } },
      ],
      Version: SERVER_VERSION,
      ApiVersion: API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      GitCommit: 'berth',
      GoVersion: NODE_VERSION,
      Os: 'linux',
      Arch: goArch(),
      KernelVersion: kernel,
      BuildTime: '',
    };
  });

  router.add('GET', '/info', async (ctx): Promise<InfoResponse> => {
    const v = ctx.apiVersion;
    const all = deps.containers.all();
    const count = (s: string[]): number => all.filter((c) => s.includes(c.State.Status)).length;
    const d = deps.daemon;
    const [os, status, runc, swap, forwarding, nfd] = await Promise.all([
      operatingSystem(),
      driverStatus(deps.driver, deps.dataRoot),
      binaryVersion(d.runtimes[d.defaultRuntime]?.path ?? 'runc'),
      swapLimitSupported(deps.cgroupVersion),
      sysctlOn('net.ipv4.ip_forward'),
      openFds(),
    ]);
    const warnings = [...d.warnings];
    if (!swap) warnings.push('WARNING: No swap limit support');
    if (forwarding === false) warnings.push('WARNING: IPv4 forwarding is disabled');
    // No bridge-nf-call warnings: Docker dropped them for every version (1.47) once br_netfilter was loaded on demand.
    const commit = (id: string): InfoResponse['RuncCommit'] => (at(v, 'noCommitExpected') ? { ID: id } : { ID: id, Expected: id });
    return {
      ID: deps.daemonId,
      Containers: all.length,
      ContainersRunning: count(['running']),
      ContainersPaused: count(['paused']),
      ContainersStopped: all.length - count(['running', 'paused']),
      Images: deps.images.list().length,
      Driver: deps.driver,
      DriverStatus: status,
      Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'null'], Authorization: null, Log: d.logDrivers },
      MemoryLimit: true,
      SwapLimit: swap,
      // Docker leaves it out from 1.42 where the kernel has no kmem.tcp accounting (berth never sets it).
      ...(at(v, 'kernelMemoryOmitted') ? {} : { KernelMemoryTCP: false }),
      CpuCfsPeriod: true,
      CpuCfsQuota: true,
      CPUShares: true,
      CPUSet: true,
      PidsLimit: true,
      OomKillDisable: deps.cgroupVersion === '1',
      IPv4Forwarding: forwarding !== false,
      ...(at(v, 'noBridgeNf') ? {} : { BridgeNfIptables: false, BridgeNfIp6tables: false }),
      Debug: d.debug,
      NFd: nfd,
      NGoroutines: 0,
      SystemTime: new Date().toISOString(),
      LoggingDriver: d.loggingDriver,
      CgroupDriver: 'cgroupfs',
      CgroupVersion: deps.cgroupVersion,
      NEventsListener: deps.events.clientCount,
      KernelVersion: release(),
      OperatingSystem: os,
      OSVersion: /\b(\d+(\.\d+)*)\b/.exec(os)?.[1] ?? '',
      OSType: 'linux',
      Architecture: ARCH[process.arch] ?? process.arch,
      IndexServerAddress: 'https://index.docker.io/v1/',
      RegistryConfig: registryConfig(d.registry, v),
      NCPU: cpus().length,
      MemTotal: totalmem(),
      GenericResources: null,
      DockerRootDir: deps.dataRoot,
      HttpProxy: process.env.HTTP_PROXY ?? process.env.http_proxy ?? '',
      HttpsProxy: process.env.HTTPS_PROXY ?? process.env.https_proxy ?? '',
      NoProxy: process.env.NO_PROXY ?? process.env.no_proxy ?? '',
      Name: hostname(),
      Labels: d.labels,
      ExperimentalBuild: false,
      ServerVersion: SERVER_VERSION,
      Runtimes: Object.fromEntries(
        Object.entries(d.runtimes).map(([name, r]) => [name, { path: r.path, ...(r.runtimeArgs ? { runtimeArgs: r.runtimeArgs } : {}) }]),
      ),
      DefaultRuntime: d.defaultRuntime,
      Swarm: { LocalNodeState: 'inactive', NodeID: '', NodeAddr: '', ControlAvailable: false, Error: '', RemoteManagers: null },
      LiveRestoreEnabled: true,
      Isolation: '',
      InitBinary: '',
      ContainerdCommit: commit(''),
      RuncCommit: commit(runc.commit || runc.version),
      InitCommit: commit(''),
      SecurityOptions: d.securityOptions,
      ...(at(v, 'infoCdiSpecDirs') ? { CDISpecDirs: [] } : {}),
      // CNI's bridge, portmap and firewall plugins program netfilter through iptables.
      ...(at(v, 'firewallBackend') ? { FirewallBackend: { Driver: 'iptables' } } : {}),
      Warnings: warnings.length ? warnings : null,
    };
  });
}
