import type { ContainerRecord, HostConfig } from '../../core/containers.js';
import type { EndpointSettings } from '../../core/network.js';
import { BerthError, invalidArgument, notFound } from '../../lib/errdefs.js';
import type { NetworkDeps } from './deps.js';
import { contains, isIpv4, parseCidr } from './subnets.js';
import { parseLink } from './links.js';

/** The API's `NetworkingConfig.EndpointsConfig` item (the parts berth honours). */
export interface EndpointRequest {
  Aliases?: string[] | null;
  IPAMConfig?: { IPv4Address?: string } | null;
  /** Legacy links on a user network, `name:alias` (links.ts). */
  Links?: string[] | null;
}

export function emptyEndpoint(networkId: string, req: EndpointRequest = {}): EndpointSettings {
  return {
    IPAMConfig: req.IPAMConfig?.IPv4Address ? { IPv4Address: req.IPAMConfig.IPv4Address } : null,
    Links: req.Links?.length ? req.Links.map((l) => `${parseLink(l).name}:${parseLink(l).alias}`) : null,
    Aliases: req.Aliases?.length ? [...req.Aliases] : null,
    NetworkID: networkId,
    EndpointID: '',
    Gateway: '',
    IPAddress: '',
    IPPrefixLen: 0,
    MacAddress: '',
  };
}

/** Docker's checks of `--ip` and `--network-alias` against the network they are for. */
export function validateEndpoint(deps: Pick<NetworkDeps, 'store'>, netName: string, req: EndpointRequest): void {
  const net = deps.store.get(netName);
  const ip = req.IPAMConfig?.IPv4Address;
  if (net.Name === 'bridge' || net.Driver !== 'bridge') {
    if (ip) throw invalidArgument('user specified IP address is supported on user defined networks only');
    if (req.Aliases?.length) throw invalidArgument('network-scoped alias is supported only for containers in user defined networks');
    return;
  }
  if (ip !== undefined && ip !== '') {
    if (!isIpv4(ip)) throw invalidArgument(`invalid IPv4 address: ${ip}`);
    if (!net.IPAM.Config.some((c) => contains(parseCidr(c.Subnet), ip))) {
      throw invalidArgument(`Invalid address ${ip}: It does not belong to any of this network's subnets`);
    }
  }
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
  const req = endpoints[mode] ?? endpoints[net.Name] ?? endpoints[net.Id] ?? {};
  validateEndpoint(deps, net.Name, req);
  return { Networks: { [net.Name]: emptyEndpoint(net.Id, req) }, Ports: [] };
}
