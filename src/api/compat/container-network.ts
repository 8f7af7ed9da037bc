import type { ContainerRecord } from '../../core/containers.js';
import type { EndpointSettings } from '../../core/network.js';
import type { Port } from '../types/containers.js';

const live = (rec: ContainerRecord): boolean => rec.State.Status === 'running' || rec.State.Status === 'paused';

/** `NetworkSettings.Networks`: Docker's EndpointSettings per network (addresses only while running). */
export function networksOf(rec: ContainerRecord): Record<string, unknown> {
  const nets = rec.NetworkSettings?.Networks;
  if (nets === undefined) {
    const mode = rec.HostConfig.NetworkMode || 'bridge';
    return mode.startsWith('container:')
      ? {}
      : { [mode]: endpoint({ NetworkID: '', EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, MacAddress: '' }) };
  }
  return Object.fromEntries(Object.entries(nets).map(([name, ep]) => [name, endpoint(ep)]));
}

function endpoint(ep: EndpointSettings): Record<string, unknown> {
  return {
    IPAMConfig: ep.IPAMConfig ?? null,
    Links: ep.Links ?? null,
    Aliases: ep.Aliases ?? null,
    MacAddress: ep.MacAddress,
    NetworkID: ep.NetworkID,
    EndpointID: ep.EndpointID,
    Gateway: ep.Gateway,
    IPAddress: ep.IPAddress,
    IPPrefixLen: ep.IPPrefixLen,
    IPv6Gateway: ep.IPv6Gateway ?? '',
    GlobalIPv6Address: ep.GlobalIPv6Address ?? '',
    GlobalIPv6PrefixLen: ep.GlobalIPv6PrefixLen ?? 0,
    DriverOpts: null,
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
