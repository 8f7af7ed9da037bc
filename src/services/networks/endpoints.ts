import type { ContainerRecord, HostConfig } from '../../core/containers.js';
import type { AttachResult, EndpointConfig, EndpointIpam, EndpointSettings, NetworkRecord } from '../../core/network.js';
import { BerthError, invalidArgument, notFound } from '../../lib/errdefs.js';
import type { NetworkDeps } from './deps.js';
import { contains, isIpv4, isIpv6, parseCidr } from './subnets.js';
import { parseLink } from './links.js';

/** The API's `NetworkingConfig.EndpointsConfig` item (the parts berth honours). */
export type EndpointRequest = EndpointConfig;

/** The addresses asked for, without the empty ones (Docker keeps IPAMConfig null when nothing was asked). */
function askedIpam(req: EndpointRequest): EndpointIpam | null {
  const { IPv4Address, IPv6Address, LinkLocalIPs } = req.IPAMConfig ?? {};
  const out: EndpointIpam = {
    ...(IPv4Address ? { IPv4Address } : {}),
    ...(IPv6Address ? { IPv6Address } : {}),
    ...(LinkLocalIPs?.length ? { LinkLocalIPs: [...LinkLocalIPs] } : {}),
  };
  return Object.keys(out).length > 0 ? out : null;
}

/** The addresses an attachment (CNI ADD) gave, as the endpoint shows them. */
export type EndpointAddresses = Pick<
  EndpointSettings,
  'IPAddress' | 'IPPrefixLen' | 'Gateway' | 'GlobalIPv6Address' | 'GlobalIPv6PrefixLen' | 'IPv6Gateway' | 'MacAddress'
>;

export function addressesOf(r: AttachResult): EndpointAddresses {
  return {
    IPAddress: r.ip,
    IPPrefixLen: r.prefixLen,
    Gateway: r.gateway,
    GlobalIPv6Address: r.ipv6?.ip ?? '',
    GlobalIPv6PrefixLen: r.ipv6?.prefixLen ?? 0,
    IPv6Gateway: r.ipv6?.gateway ?? '',
    MacAddress: r.mac,
  };
}

/** An endpoint released: its addresses and interface cleared (what was asked for stays). */
export function clearEndpoint(ep: EndpointSettings): void {
  Object.assign(ep, { IPAddress: '', IPPrefixLen: 0, Gateway: '', MacAddress: '', EndpointID: '', IfName: undefined });
  if (ep.GlobalIPv6Address) Object.assign(ep, { GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, IPv6Gateway: '' });
}

export function emptyEndpoint(networkId: string, req: EndpointRequest = {}): EndpointSettings {
  return {
    IPAMConfig: askedIpam(req),
    Links: req.Links?.length ? req.Links.map((l) => `${parseLink(l).name}:${parseLink(l).alias}`) : null,
    Aliases: req.Aliases?.length ? [...req.Aliases] : null,
    NetworkID: networkId,
    EndpointID: '',
    Gateway: '',
    IPAddress: '',
    IPPrefixLen: 0,
    MacAddress: '',
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    GwPriority: req.GwPriority ?? 0,
    ...(req.MacAddress ? { DesiredMacAddress: req.MacAddress } : {}),
  };
}

/** The pools a fixed address may come from: those of the families the network has on. */
function enabledPools(net: NetworkRecord): string[] {
  return net.IPAM.Config.map((c) => c.Subnet).filter((s) => (parseCidr(s).family === 4 ? net.EnableIPv4 !== false : net.EnableIPv6));
}

/** Go's net.ParseMAC for the 6-byte forms Docker's bridge takes (`:` or `-` separated, or dotted). */
const MAC = /^(?:[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}|[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4})$/i;

/** Docker's checks of `--ip` and `--network-alias` against the network they are for. */
export function validateEndpoint(deps: Pick<NetworkDeps, 'store'>, netName: string, req: EndpointRequest): void {
  const net = deps.store.get(netName);
  const { IPv4Address: ip, IPv6Address: ip6, LinkLocalIPs: linkLocal } = req.IPAMConfig ?? {};
  if (req.MacAddress && !MAC.test(req.MacAddress)) throw invalidArgument(`invalid config for network ${netName}: invalid MAC address ${req.MacAddress}`);
  if (net.Name === 'bridge' || net.Driver !== 'bridge') {
    if (ip || ip6 || linkLocal?.length) throw invalidArgument('user specified IP address is supported on user defined networks only');
    if (req.Aliases?.length) throw invalidArgument('network-scoped alias is supported only for containers in user defined networks');
    return;
  }
  const fixed: Array<[string | undefined, 4 | 6]> = [
    [ip, 4],
    [ip6, 6],
  ];
  for (const [addr, family] of fixed) {
    if (addr === undefined || addr === '') continue;
    if (!(family === 4 ? isIpv4 : isIpv6)(addr)) throw invalidArgument(`invalid IPv${family} address: ${addr}`);
    if (!enabledPools(net).some((s) => contains(parseCidr(s), addr))) {
      throw invalidArgument(`Invalid address ${addr}: It does not belong to any of this network's subnets`);
    }
  }
  for (const ll of linkLocal ?? []) if (!isIpv4(ll) && !isIpv6(ll)) throw invalidArgument(`invalid link-local IP address: ${ll}`);
}

/**
 * The networks a new container joins, from its network mode and `NetworkingConfig`: the mode's
 * network (`default` is `bridge`) first, then every other network `EndpointsConfig` names (API
 * 1.44), in the order given; none for `container:<ref>` (it shares that container's). `host`,
 * `none` and `container:` take no other network, as Docker's connect refuses them.
 */
export function resolveEndpoints(
  deps: Pick<NetworkDeps, 'store' | 'containers'>,
  hostConfig: HostConfig,
  endpoints: Record<string, EndpointRequest> = {},
): ContainerRecord['NetworkSettings'] {
  const mode = hostConfig.NetworkMode || 'bridge';
  if (mode.startsWith('container:')) {
    const ref = mode.slice('container:'.length);
    try {
      deps.containers.get(ref);
    } catch {
      throw notFound(`No such container: ${ref}`);
    }
    if (hostConfig.PortBindings && Object.keys(hostConfig.PortBindings).length > 0) {
      throw new BerthError('InvalidArgument', 'conflicting options: port publishing and the container type network mode');
    }
    if (Object.keys(endpoints).length > 0) throw invalidArgument(SHARED_NETWORK);
    return { Networks: {}, Ports: [] };
  }
  // `default` names the default bridge (the docker CLI keys its endpoint settings so).
  const find = (ref: string): NetworkRecord | undefined => deps.store.find(ref === 'default' ? 'bridge' : ref);
  const net = find(mode);
  if (net === undefined) throw notFound(`network ${mode} not found`);
  const primary = Object.keys(endpoints).find((k) => k === mode || find(k)?.Id === net.Id);
  const joined: Array<[NetworkRecord, EndpointRequest]> = [[net, primary === undefined ? {} : (endpoints[primary] ?? {})]];
  // A network that does not exist (yet) is kept by name, as dockerd does: the start fails on it.
  const unknown: Array<[string, EndpointRequest]> = [];
  for (const [ref, req] of Object.entries(endpoints)) {
    if (ref === primary) continue;
    const other = find(ref);
    if (other === undefined) unknown.push([ref, req ?? {}]);
    else if (!joined.some(([n]) => n.Id === other.Id)) joined.push([other, req ?? {}]);
  }
  if (joined.length + unknown.length > 1) {
    if (joined.some(([n]) => n.Driver === 'null')) throw invalidArgument(PRIVATE_NETWORK);
    if (joined.some(([n]) => n.Driver === 'host')) throw invalidArgument(SHARED_NETWORK);
  }
  for (const [n, req] of joined) validateEndpoint(deps, n.Name, req);
  const eps: Array<[string, EndpointSettings]> = [...joined.map(([n, req]): [string, EndpointSettings] => [n.Name, emptyEndpoint(n.Id, req)])];
  for (const [ref, req] of unknown) eps.push([ref, emptyEndpoint('', req)]);
  return { Networks: Object.fromEntries(eps), Ports: [] };
}

/** Start: every network a container's endpoints name must exist (a removed or never-made one is dockerd's 404). */
export function checkEndpointNetworks(deps: Pick<NetworkDeps, 'store'>, rec: ContainerRecord): void {
  for (const [name, ep] of Object.entries(rec.NetworkSettings?.Networks ?? {})) {
    if ((ep.NetworkID && deps.store.find(ep.NetworkID)) || deps.store.find(name)) continue;
    throw notFound(`network ${name} not found`);
  }
}

/** Docker's words (runconfig's ErrConflictSharedNetwork, ErrConflictNoNetwork) for a network that takes no other. */
export const SHARED_NETWORK = 'container sharing network namespace with another container or host cannot be connected to any other network';
export const PRIVATE_NETWORK = 'container cannot be connected to multiple networks with one of the networks in private (none) mode';
