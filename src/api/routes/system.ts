import { cpus, hostname, release, totalmem } from 'node:os';
import { readFile } from 'node:fs/promises';
import type { ContainerStore } from '../../services/containers/store.js';
import type { ImageStore } from '../../core/images.js';
import type { Router } from '../router.js';
import { API_VERSION, MIN_API_VERSION, SERVER_VERSION } from '../types/version.js';
import type { InfoResponse, VersionResponse } from '../types/system.js';

export interface SystemDeps {
  containers: ContainerStore;
  images: ImageStore;
  driver: string;
  dataRoot: string;
  runtimePath: string;
  daemonId: string;
  cgroupVersion: '1' | '2';
  /** The daemon's default log driver (daemon.json `log-driver`). */
  loggingDriver: string;
}

async function osName(): Promise<string> {
  const text = await readFile('/etc/os-release', 'utf8').catch(() => '');
  return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1] ?? 'Linux';
}

export function systemRoutes(router: Router, deps: SystemDeps): void {
  const ping = async (ctx: Parameters<Parameters<Router['add']>[2]>[0]): Promise<void> => {
    const res = ctx.res!;
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache, no-store, must-revalidate', Pragma: 'no-cache' });
    res.end(ctx.req.method === 'HEAD' ? undefined : 'OK');
  };
  router.add('GET', '/_ping', ping);
  router.add('HEAD', '/_ping', ping);

  router.add('GET', '/version', async (): Promise<VersionResponse> => {
    const kernel = release();
    return {
      Platform: { Name: 'berth' },
      Components: [
        { Name: 'Engine', Version: SERVER_VERSION, Details: { ApiVersion: API_VERSION, MinAPIVersion: MIN_API_VERSION, Os: 'linux', Arch: 'amd64', KernelVersion: kernel, GoVersion: process.version, GitCommit: 'berth', BuildTime: '', Experimental: 'false' } },
      ],
      Version: SERVER_VERSION,
      ApiVersion: API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      GitCommit: 'berth',
      GoVersion: process.version,
      Os: 'linux',
      Arch: process.arch === 'x64' ? 'amd64' : process.arch,
      KernelVersion: kernel,
      BuildTime: '',
    };
  });

  router.add('GET', '/info', async (): Promise<InfoResponse> => {
    const all = deps.containers.all();
    const count = (s: string[]): number => all.filter((c) => s.includes(c.State.Status)).length;
    return {
      ID: deps.daemonId,
      Containers: all.length,
      ContainersRunning: count(['running']),
      ContainersPaused: count(['paused']),
      ContainersStopped: all.length - count(['running', 'paused']),
      Images: deps.images.list().length,
      Driver: deps.driver,
      DriverStatus: [['Backing Filesystem', 'extfs']],
      Plugins: { Volume: ['local'], Network: ['host', 'null'], Authorization: null, Log: ['journald', 'json-file', 'local', 'none'] },
      MemoryLimit: true,
      SwapLimit: true,
      CpuCfsPeriod: true,
      CpuCfsQuota: true,
      CPUShares: true,
      CPUSet: true,
      PidsLimit: true,
      IPv4Forwarding: true,
      Debug: false,
      NFd: 0,
      NGoroutines: 0,
      SystemTime: new Date().toISOString(),
      LoggingDriver: deps.loggingDriver,
      CgroupDriver: 'cgroupfs',
      CgroupVersion: deps.cgroupVersion,
      NEventsListener: 0,
      KernelVersion: release(),
      OperatingSystem: await osName(),
      OSVersion: '',
      OSType: 'linux',
      Architecture: process.arch === 'x64' ? 'x86_64' : process.arch,
      NCPU: cpus().length,
      MemTotal: totalmem(),
      IndexServerAddress: 'https://index.docker.io/v1/',
      RegistryConfig: { IndexConfigs: {}, InsecureRegistryCIDRs: ['127.0.0.0/8'], Mirrors: [] },
      DockerRootDir: deps.dataRoot,
      HttpProxy: '',
      HttpsProxy: '',
      NoProxy: '',
      Name: hostname(),
      Labels: [],
      ExperimentalBuild: false,
      ServerVersion: SERVER_VERSION,
      Runtimes: { runc: { path: deps.runtimePath } },
      DefaultRuntime: 'runc',
      Swarm: { LocalNodeState: 'inactive', NodeID: '', NodeAddr: '', ControlAvailable: false, Error: '', RemoteManagers: null },
      LiveRestoreEnabled: true,
      Isolation: '',
      InitBinary: '',
      SecurityOptions: ['name=cgroupns'].slice(deps.cgroupVersion === '2' ? 0 : 1),
      Warnings: null,
    };
  });
}
