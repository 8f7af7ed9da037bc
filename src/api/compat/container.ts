import type { ContainerRecord } from '../../core/containers.js';
import { toMountPoints } from './mounts.js';
import { defaultBridgeAddress, networksOf, portMap, summaryPorts } from './container-network.js';
import { humanDuration } from '../../lib/go/units.js';
import { unixSeconds, ZERO_TIME } from '../../lib/time.js';
import type { ContainerInspect, ContainerSummary } from '../types/containers.js';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from '../../services/containers/spec/security.js';
import { fullConfig, inspectHostConfig } from './container-defaults.js';
import { at } from '../versions.js';

const DEFAULT_PATHS = { masked: DEFAULT_MASKED_PATHS, readonly: DEFAULT_READONLY_PATHS };
const NO_PATHS = { masked: [], readonly: [] };

/** Docker's `State.String()`: the STATUS column of `docker ps`. */
export function statusString(rec: ContainerRecord, now = Date.now()): string {
  const s = rec.State;
  const since = (t: string): string => humanDuration(now - Date.parse(t));
  switch (s.Status) {
    case 'running':
      return `Up ${since(s.StartedAt)}${healthSuffix(rec)}`;
    case 'paused':
      return `Up ${since(s.StartedAt)} (Paused)`;
    case 'restarting':
      return `Restarting (${s.ExitCode}) ${since(s.FinishedAt)} ago`;
    case 'removing':
      return 'Removal In Progress';
    case 'dead':
      return 'Dead';
    default:
      if (s.StartedAt === ZERO_TIME) return 'Created';
      if (s.FinishedAt === ZERO_TIME) return '';
      return `Exited (${s.ExitCode}) ${since(s.FinishedAt)} ago`;
  }
}

/** ` (healthy)`, ` (unhealthy)`, ` (health: starting)` after a running container's uptime. */
function healthSuffix(rec: ContainerRecord): string {
  const h = rec.State.Health?.Status;
  return h === undefined ? '' : h === 'starting' ? ' (health: starting)' : ` (${h})`;
}

/** The COMMAND column as Docker builds it: arguments containing a space are wrapped in single quotes. */
export function commandString(rec: ContainerRecord): string {
  return [rec.Path, ...rec.Args.map((a) => (a.includes(' ') ? `'${a}'` : a))].join(' ');
}

function networkName(rec: ContainerRecord): string {
  return rec.HostConfig.NetworkMode || 'bridge';
}

/** A container as `GET /containers/json` lists it to a client at API `version`. */
export function toSummary(rec: ContainerRecord, version: string): ContainerSummary {
  const health = rec.State.Health;
  return {
    Id: rec.Id,
    Names: [`/${rec.Name}`],
    Image: rec.ImageRef,
    ImageID: rec.Image,
    Command: commandString(rec),
    Created: unixSeconds(rec.Created),
    Ports: summaryPorts(rec),
    Labels: rec.Config.Labels ?? {},
    State: rec.State.Status,
    Status: statusString(rec),
    HostConfig: { NetworkMode: networkName(rec) },
    NetworkSettings: { Networks: networksOf(rec, version) },
    Mounts: toMountPoints(rec.MountPoints),
    ...(at(version, 'summaryHealth') && health ? { Health: { Status: health.Status, FailingStreak: health.FailingStreak } } : {}),
  };
}

/** The top-level `NetworkSettings` fields Docker dropped in 1.52 (deprecated since 1.21). */
function legacyNetworkSettings(rec: ContainerRecord): Record<string, unknown> {
  return {
    Bridge: '',
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    ...defaultBridgeAddress(rec),
  };
}

/** `HostConfig` and `Config` as a client at `version` sees them: fields Docker removed at that version left out. */
function versionedConfigs(rec: ContainerRecord, version: string): Pick<ContainerInspect, 'HostConfig' | 'Config'> {
  const hc: Record<string, unknown> = inspectHostConfig(
    { ...rec.HostConfig, NetworkMode: networkName(rec) },
    rec.HostConfig.Privileged ? NO_PATHS : DEFAULT_PATHS,
  );
  // berth never sets kernel memory limits: from 1.42 Docker leaves both out when unset.
  if (at(version, 'kernelMemoryOmitted')) {
    delete hc.KernelMemory;
    delete hc.KernelMemoryTCP;
  }
  const config: Record<string, unknown> = fullConfig({ ...rec.Config, Image: rec.ImageRef });
  if (at(version, 'noEmptyOnBuild') && !(Array.isArray(config.OnBuild) && config.OnBuild.length > 0)) delete config.OnBuild;
  return { HostConfig: hc as ContainerInspect['HostConfig'], Config: config as ContainerInspect['Config'] };
}

/** A container as `GET /containers/{id}/json` shows it to a client at API `version`. */
export function toInspect(rec: ContainerRecord, driver: string, version: string): ContainerInspect {
  const s = rec.State;
  return {
    Id: rec.Id,
    Created: rec.Created,
    Path: rec.Path,
    Args: rec.Args,
    State: {
      Status: s.Status,
      Running: s.Status === 'running' || s.Status === 'paused',
      Paused: s.Status === 'paused',
      Restarting: s.Status === 'restarting',
      OOMKilled: s.OOMKilled,
      Dead: s.Status === 'dead',
      Pid: s.Pid,
      ExitCode: s.ExitCode,
      Error: s.Error,
      StartedAt: s.StartedAt,
      FinishedAt: s.FinishedAt,
      ...(s.Health ? { Health: s.Health } : {}),
    },
    Image: rec.Image,
    ResolvConfPath: rec.Paths.ResolvConfPath,
    HostnamePath: rec.Paths.HostnamePath,
    HostsPath: rec.Paths.HostsPath,
    LogPath: rec.Paths.LogPath,
    Name: `/${rec.Name}`,
    RestartCount: rec.RestartCount,
    Driver: driver,
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: null,
    GraphDriver: { Name: driver, Data: null },
    Mounts: toMountPoints(rec.MountPoints),
    ...versionedConfigs(rec, version),
    NetworkSettings: {
      SandboxID: '',
      Ports: portMap(rec),
      SandboxKey: '',
      ...(at(version, 'noLegacyNetworkSettings') ? {} : legacyNetworkSettings(rec)),
      Networks: networksOf(rec, version, true),
    },
  };
}
