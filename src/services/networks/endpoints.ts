import type { ContainerRecord, HostConfig } from '../../core/containers.js';
import type { EndpointIpam, EndpointSettings, NetworkRecord } from '../../core/network.js';
import { BerthError, invalidArgument, notFound } from '../../lib/errdefs.js';
import type { NetworkDeps } from './deps.js';
import { contains, isIpv4, isIpv6, parseCidr } from './subnets.js';
import { parseLink } from './links.js';

/** The API's `NetworkingConfig.EndpointsConfig` item (the parts berth honours). */
export interface EndpointRequest {
  Aliases?: string[] | null;
  IPAMConfig?: EndpointIpam | null;
  /** Legacy links on a user network, `name:alias` (links.ts). */
  Links?: string[] | null;
}

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
  };
}

/** The pools a fixed address may come from: those of the families the network has on. */
function enabledPools(net: NetworkRecord): string[] {
  return net.IPAM.Config.map((c) => c.Subnet).filter((s) => (parseCidr(s).family === 4 ? net.EnableIPv4 !== false : net.EnableIPv6));
}

/** Docker's checks of `--ip` and `--network-alias` against the network they are for. */
export function validateEndpoint(deps: Pick<NetworkDeps, 'store'>, netName: string, req: EndpointRequest): void {
  const net = deps.store.get(netName);
  const { IPv4Address: ip, IPv6Address: ip6, LinkLocalIPs: linkLocal } = req.IPAMConfig ?? {};
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
 * network (`default` is `bridge`), or none for `container:<ref>` (it shares that container's).
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
    return { Networks: {}, Ports: [] };
  }
  const net = deps.store.find(mode);
  if (net === undefined) throw notFound(`network ${mode} not found`);
  // The docker CLI names the default network's endpoint `default` (the mode it sent, made `bridge` at create).
  const req = endpoints[mode] ?? endpoints[net.Name] ?? endpoints[net.Id] ?? (net.Name === 'bridge' ? endpoints.default : undefined) ?? {};
  validateEndpoint(deps, net.Name, req);
  return { Networks: { [net.Name]: emptyEndpoint(net.Id, req) }, Ports: [] };
}
