import type { ContainerRecord } from '../../core/containers.js';
import type { EndpointSettings } from '../../core/network.js';
import type { Port } from '../types/containers.js';
import { at } from '../versions.js';

const live = (rec: ContainerRecord): boolean => rec.State.Status === 'running' || rec.State.Status === 'paused';

/** Docker's `NetworkMode.IsUserDefined()`: a network of the user's, where names resolve. */
const userDefined = (name: string): boolean => !['bridge', 'host', 'none', 'default', ''].includes(name) && !name.startsWith('container:');

const dedup = (names: string[]): string[] => [...new Set(names.filter((n) => n !== ''))];

/**
 * `NetworkSettings.Networks`: Docker's EndpointSettings per network (addresses only while running),
 * as a client at API `version` sees them. `inspect` adds, below 1.45, the short id and hostname to
 * the aliases on user-defined networks (Docker's container inspect does; its list never did).
 */
export function networksOf(rec: ContainerRecord, version: string, inspect = false): Record<string, unknown> {
  const nets = rec.NetworkSettings?.Networks;
  if (nets === undefined) {
    const mode = rec.HostConfig.NetworkMode || 'bridge';
    const blank = { NetworkID: '', EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, MacAddress: '' };
    return mode.startsWith('container:') ? {} : { [mode]: endpoint(rec, mode, blank, version, inspect) };
  }
  return Object.fromEntries(Object.entries(nets).map(([name, ep]) => [name, endpoint(rec, name, ep, version, inspect)]));
}

function endpoint(rec: ContainerRecord, network: string, ep: EndpointSettings, version: string, inspect: boolean): Record<string, unknown> {
  const names = userDefined(network) ? [rec.Id.slice(0, 12), rec.Config.Hostname ?? ''] : [];
  const aliases = inspect && !at(version, 'aliasesWithoutShortId') && names.length > 0 ? dedup([...(ep.Aliases ?? []), ...names]) : (ep.Aliases ?? null);
  return {
    IPAMConfig: ep.IPAMConfig ?? null,
    Links: ep.Links ?? null,
    Aliases: aliases,
    // The address asked for stays in the settings while no interface has it (Docker's DesiredMacAddress).
    MacAddress: ep.MacAddress || ep.DesiredMacAddress || '',
    NetworkID: ep.NetworkID,
    EndpointID: ep.EndpointID,
    Gateway: ep.Gateway,
    IPAddress: ep.IPAddress,
    IPPrefixLen: ep.IPPrefixLen,
    IPv6Gateway: ep.IPv6Gateway ?? '',
    GlobalIPv6Address: ep.GlobalIPv6Address ?? '',
    GlobalIPv6PrefixLen: ep.GlobalIPv6PrefixLen ?? 0,
    DriverOpts: null,
    ...(at(version, 'gwPriority') ? { GwPriority: ep.GwPriority ?? 0 } : {}),
    ...(at(version, 'dnsNames') ? { DNSNames: names.length > 0 ? dedup([rec.Name, ...(ep.Aliases ?? []), ...names]) : null } : {}),
  };
}

/** `NetworkSettings.Ports`: every exposed port, with its host bindings while running (else null). */
export function portMap(rec: ContainerRecord): Record<string, Array<{ HostIp: string; HostPort: string }> | null> {
  const out: Record<string, Array<{ HostIp: string; HostPort: string }> | null> = {};
  for (const p of Object.keys(rec.Config.ExposedPorts ?? {})) out[p] = null;
  if (!live(rec)) return out;
  for (const m of rec.NetworkSettings?.Ports ?? []) {
    (out[`${m.containerPort}/${m.protocol}`] ??= []).push({ HostIp: m.hostIp, HostPort: String(m.hostPort) });
  }
  return out;
}

/** The `Ports` of `GET /containers/json`: exposed ports, and the published ones while running. */
export function summaryPorts(rec: ContainerRecord): Port[] {
  const published = live(rec) ? (rec.NetworkSettings?.Ports ?? []) : [];
  const out: Port[] = published.map((m) => ({ IP: m.hostIp, PrivatePort: m.containerPort, PublicPort: m.hostPort, Type: m.protocol }));
  for (const p of Object.keys(rec.Config.ExposedPorts ?? {})) {
    const [port, proto = 'tcp'] = p.split('/');
    if (!published.some((m) => m.containerPort === Number(port) && m.protocol === proto)) out.push({ PrivatePort: Number(port), Type: proto });
  }
  return out;
}

/** The top-level address fields of `NetworkSettings` (the default `bridge` network's, as Docker). */
export function defaultBridgeAddress(rec: ContainerRecord): {
  EndpointID: string;
  IPAddress: string;
  IPPrefixLen: number;
  Gateway: string;
  MacAddress: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  IPv6Gateway: string;
} {
  const ep = rec.NetworkSettings?.Networks.bridge;
  return {
    EndpointID: ep?.EndpointID ?? '',
    IPAddress: ep?.IPAddress ?? '',
    IPPrefixLen: ep?.IPPrefixLen ?? 0,
    Gateway: ep?.Gateway ?? '',
    MacAddress: ep?.MacAddress ?? '',
    GlobalIPv6Address: ep?.GlobalIPv6Address ?? '',
    GlobalIPv6PrefixLen: ep?.GlobalIPv6PrefixLen ?? 0,
    IPv6Gateway: ep?.IPv6Gateway ?? '',
  };
}
