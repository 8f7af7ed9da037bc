import type { InfoResponse } from '../../api/types/system.js';
import { bytesSize } from '../../lib/go/units.js';

/** `name=seccomp,profile=builtin` → the docker CLI's "  seccomp\n   Profile: builtin" lines. */
function securityOptions(opts: string[]): string[] {
  const lines = [' Security Options:'];
  for (const opt of opts) {
    const kv = Object.fromEntries(opt.split(',').map((p) => p.split('=', 2) as [string, string]));
    lines.push(`  ${kv.name ?? opt}`);
    if (kv.profile !== undefined) lines.push(`   Profile: ${kv.profile}`);
  }
  return lines;
}

/** The Server half of `docker info`, line for line as the docker CLI (28.x) prints it. */
export function serverInfoText(i: InfoResponse): string {
  const lines = [
    'Server:',
    ` Containers: ${i.Containers}`,
    `  Running: ${i.ContainersRunning}`,
    `  Paused: ${i.ContainersPaused}`,
    `  Stopped: ${i.ContainersStopped}`,
    ` Images: ${i.Images}`,
    ` Server Version: ${i.ServerVersion}`,
    ` Storage Driver: ${i.Driver}`,
    ...i.DriverStatus.map(([k, v]) => `  ${k}: ${v}`),
    ` Logging Driver: ${i.LoggingDriver}`,
    ` Cgroup Driver: ${i.CgroupDriver}`,
    ` Cgroup Version: ${i.CgroupVersion}`,
    ' Plugins:',
    `  Volume: ${i.Plugins.Volume.join(' ')}`,
    `  Network: ${i.Plugins.Network.join(' ')}`,
    ...(i.Plugins.Authorization?.length ? [`  Authorization: ${i.Plugins.Authorization.join(' ')}`] : []),
    `  Log: ${i.Plugins.Log.join(' ')}`,
    ` Swarm: ${i.Swarm.LocalNodeState}`,
    ` Runtimes: ${Object.keys(i.Runtimes).sort().join(' ')}`,
    ` Default Runtime: ${i.DefaultRuntime}`,
    ` Init Binary: ${i.InitBinary}`,
    ` containerd version: ${i.ContainerdCommit.ID}`,
    ` runc version: ${i.RuncCommit.ID}`,
    ` init version: ${i.InitCommit.ID}`,
    ...(i.SecurityOptions.length ? securityOptions(i.SecurityOptions) : []),
    ` Kernel Version: ${i.KernelVersion}`,
    ` Operating System: ${i.OperatingSystem}`,
    ` OSType: ${i.OSType}`,
    ` Architecture: ${i.Architecture}`,
    ` CPUs: ${i.NCPU}`,
    ` Total Memory: ${bytesSize(i.MemTotal)}`,
    ` Name: ${i.Name}`,
    ` ID: ${i.ID}`,
    ` Docker Root Dir: ${i.DockerRootDir}`,
    ` Debug Mode: ${i.Debug}`,
    ...(i.Debug
      ? [`  File Descriptors: ${i.NFd}`, `  Goroutines: ${i.NGoroutines}`, `  System Time: ${i.SystemTime}`, `  EventsListeners: ${i.NEventsListener}`]
      : []),
    ...(i.HttpProxy ? [` HTTP Proxy: ${i.HttpProxy}`] : []),
    ...(i.HttpsProxy ? [` HTTPS Proxy: ${i.HttpsProxy}`] : []),
    ...(i.NoProxy ? [` No Proxy: ${i.NoProxy}`] : []),
    ...(i.Labels.length ? [' Labels:', ...i.Labels.map((l) => `  ${l}`)] : []),
    ` Experimental: ${i.ExperimentalBuild}`,
  ];
  const insecure = Object.values(i.RegistryConfig.IndexConfigs)
    .filter((c) => !c.Secure)
    .map((c) => c.Name);
  if (insecure.length + i.RegistryConfig.InsecureRegistryCIDRs.length > 0) {
    lines.push(' Insecure Registries:', ...[...insecure, ...i.RegistryConfig.InsecureRegistryCIDRs].map((r) => `  ${r}`));
  }
  if (i.RegistryConfig.Mirrors.length) lines.push(' Registry Mirrors:', ...i.RegistryConfig.Mirrors.map((m) => `  ${m}`));
  lines.push(` Live Restore Enabled: ${i.LiveRestoreEnabled}`, '');
  return `${lines.join('\n')}\n`;
}
