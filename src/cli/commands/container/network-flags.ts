import { InvalidArgumentError, type Command } from 'commander';
import type { ContainerCreateRequest } from '../../../api/types/containers.js';
import { parsePortSpecs, PortSpecError } from '../../../lib/ports.js';
import { collect } from '../../flags/options.js';
import { endpointIpam, type EndpointFlags } from '../../flags/endpoint-ipam.js';

/** The network flags of `run`/`create`: ports, aliases, fixed addresses, the MAC address, the domain name. */
export function addNetworkFlags(cmd: Command): Command {
  return cmd
    .option('-p, --publish <list>', "Publish a container's port(s) to the host", collect)
    .option('-P, --publish-all', 'Publish all exposed ports to random ports')
    .option('--expose <list>', 'Expose a port or a range of ports', collect)
    .option('--network-alias <list>', 'Add network-scoped alias for the container', collect)
    .option('--link <list>', 'Add link to another container', collect)
    .option('--ip <string>', 'IPv4 address (e.g., 172.30.100.104)')
    .option('--ip6 <string>', 'IPv6 address (e.g., 2001:db8::33)')
    .option('--link-local-ip <list>', 'Container IPv4/IPv6 link-local addresses', collect)
    .option('--mac-address <string>', 'Container MAC address (e.g., 92:d0:c6:0a:29:33)')
    .option('--domainname <string>', 'Container NIS domain name');
}

export interface NetworkFlags extends EndpointFlags {
  publish?: string[];
  publishAll?: boolean;
  expose?: string[];
  networkAlias?: string[];
  link?: string[];
  macAddress?: string;
  domainname?: string;
  network?: string[];
  net?: string[];
}

type Endpoint = NonNullable<NonNullable<ContainerCreateRequest['NetworkingConfig']>['EndpointsConfig']>[string];

/** `--network NAME` or the advanced `--network name=NAME,alias=A,ip=IP,mac-address=M,gw-priority=N` (docker's NetworkOpt). */
function parseNetworkFlag(value: string): { target: string; ep: Endpoint } {
  if (!value.includes('=')) return { target: value, ep: {} };
  const ep: Endpoint = {};
  let target = '';
  for (const field of value.split(',')) {
    const eq = field.indexOf('=');
    const [key, val] = eq < 0 ? [field, ''] : [field.slice(0, eq).toLowerCase(), field.slice(eq + 1)];
    if (key === 'name') target = val;
    else if (key === 'alias') ep.Aliases = [...(ep.Aliases ?? []), val];
    else if (key === 'ip') ep.IPAMConfig = { ...ep.IPAMConfig, IPv4Address: val };
    else if (key === 'ip6') ep.IPAMConfig = { ...ep.IPAMConfig, IPv6Address: val };
    else if (key === 'link-local-ip') ep.IPAMConfig = { ...ep.IPAMConfig, LinkLocalIPs: [...(ep.IPAMConfig?.LinkLocalIPs ?? []), val] };
    else if (key === 'mac-address') ep.MacAddress = val;
    else if (key === 'gw-priority') {
      if (!/^-?\d+$/.test(val)) throw new InvalidArgumentError(`invalid gw-priority: ${val}`);
      ep.GwPriority = Number(val);
    } else throw new InvalidArgumentError(`invalid field key ${key}`);
  }
  return { target, ep };
}

const userDefined = (n: string): boolean => !['default', 'bridge', 'host', 'none'].includes(n) && !n.startsWith('container:');

/**
 * The docker CLI's parseNetworkOpts: NetworkMode is the first network; `--network-alias`, `--ip`
 * and `--mac-address` belong to it; every network with settings (all of them when there are
 * several, API 1.44) gets an EndpointsConfig entry.
 */
function networkEndpoints(flags: NetworkFlags): { mode: string; endpoints?: Record<string, Endpoint> } {
  const nets = [...(flags.network ?? []), ...(flags.net ?? [])].map(parseNetworkFlag);
  if (nets.length === 0) nets.push({ target: 'default', ep: {} });
  const first = nets[0]!.ep;
  const conflict = (flag: string, what: string): InvalidArgumentError =>
    new InvalidArgumentError(`conflicting options: cannot specify both --${flag} and per-network ${what}`);
  if (flags.networkAlias?.length) {
    if (first.Aliases?.length) throw conflict('network-alias', 'alias');
    first.Aliases = flags.networkAlias;
  }
  if (flags.ip && first.IPAMConfig?.IPv4Address) throw conflict('ip', 'IPv4 address');
  if (flags.ip6 && first.IPAMConfig?.IPv6Address) throw conflict('ip6', 'IPv6 address');
  if (flags.linkLocalIp?.length && first.IPAMConfig?.LinkLocalIPs?.length) throw conflict('link-local-ip', 'link-local IP addresses');
  const ipam = endpointIpam(flags);
  if (ipam) first.IPAMConfig = { ...first.IPAMConfig, ...ipam };
  if (flags.macAddress) {
    if (first.MacAddress) throw conflict('mac-address', 'MAC address');
    first.MacAddress = flags.macAddress;
  }
  const endpoints: Record<string, Endpoint> = {};
  for (const [i, { target, ep }] of nets.entries()) {
    if (target in endpoints) throw new InvalidArgumentError(`network "${target}" is specified multiple times`);
    if (i === 0 && nets.length === 1 && Object.keys(ep).length === 0) continue;
    endpoints[target] = ep;
  }
  if (nets.some((n) => userDefined(n.target)) && nets.some((n) => !userDefined(n.target))) {
    throw new InvalidArgumentError('conflicting options: cannot attach both user-defined and non-user-defined network-modes');
  }
  return { mode: nets[0]!.target, endpoints: Object.keys(endpoints).length ? endpoints : undefined };
}

/** The parts of the create request these flags fill (docker's ParsePortSpecs errors become usage errors). */
export function networkRequest(flags: NetworkFlags): Pick<ContainerCreateRequest, 'ExposedPorts' | 'Domainname' | 'NetworkingConfig'> & {
  NetworkMode: string;
  host: { PortBindings: Record<string, Array<{ HostIp: string; HostPort: string }>>; PublishAllPorts: boolean; Links: string[] | null };
} {
  let ports;
  try {
    ports = parsePortSpecs(flags.publish ?? []);
  } catch (err) {
    if (err instanceof PortSpecError) throw new InvalidArgumentError(err.message);
    throw err;
  }
  const exposed: Record<string, object> = {};
  for (const p of ports.exposed) exposed[p] = {};
  for (const e of flags.expose ?? []) {
    const [range, proto = 'tcp'] = e.split('/');
    const [a, b] = (range ?? '').split('-').map(Number) as [number, number | undefined];
    if (!Number.isInteger(a)) throw new InvalidArgumentError(`invalid range format for --expose: ${e}`);
    for (let p = a; p <= (b ?? a); p++) exposed[`${p}/${proto}`] = {};
  }
  const { mode, endpoints } = networkEndpoints(flags);
  return {
    NetworkMode: mode,
    ExposedPorts: Object.keys(exposed).length ? exposed : undefined,
    Domainname: flags.domainname ?? '',
    NetworkingConfig: endpoints ? { EndpointsConfig: endpoints } : undefined,
    // `--link name` is `name:name`, as the docker CLI sends it.
    host: {
      PortBindings: ports.bindings,
      PublishAllPorts: flags.publishAll ?? false,
      Links: flags.link?.map((l) => (l.includes(':') ? l : `${l}:${l}`)) ?? null,
    },
  };
}
