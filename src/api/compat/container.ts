import type { ContainerRecord } from '../../core/containers.js';
import { toMountPoints } from './mounts.js';
import { defaultBridgeAddress, networksOf, portMap, summaryPorts } from './container-network.js';
import { humanDuration } from '../../lib/go/units.js';
import { unixSeconds, ZERO_TIME } from '../../lib/time.js';
import type { ContainerInspect, ContainerSummary } from '../types/containers.js';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from '../../services/containers/spec/security.js';
import { fullConfig, inspectHostConfig } from './container-defaults.js';

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

export function toSummary(rec: ContainerRecord): ContainerSummary {
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
    NetworkSettings: { Networks: networksOf(rec) },
    Mounts: toMountPoints(rec.MountPoints),
  };
}

export function toInspect(rec: ContainerRecord, driver: string): ContainerInspect {
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
    HostConfig: inspectHostConfig({ ...rec.HostConfig, NetworkMode: networkName(rec) }, rec.HostConfig.Privileged ? NO_PATHS : DEFAULT_PATHS),
    GraphDriver: { Name: driver, Data: null },
    Mounts: toMountPoints(rec.MountPoints),
    Config: fullConfig({ ...rec.Config, Image: rec.ImageRef }),
    NetworkSettings: {
      Bridge: '',
      SandboxID: '',
      HairpinMode: false,
      LinkLocalIPv6Address: '',
      LinkLocalIPv6PrefixLen: 0,
      Ports: portMap(rec),
      SandboxKey: '',
      SecondaryIPAddresses: null,
      SecondaryIPv6Addresses: null,
      ...defaultBridgeAddress(rec),
      Networks: networksOf(rec),
    },
  };
}
