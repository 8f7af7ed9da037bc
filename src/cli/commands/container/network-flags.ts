import { InvalidArgumentError, type Command } from 'commander';
import type { ContainerCreateRequest } from '../../../api/types/containers.js';
import { parsePortSpecs, PortSpecError } from '../../../lib/ports.js';
import { collect } from '../../flags/options.js';
import { endpointIpam, type EndpointFlags } from '../../flags/endpoint-ipam.js';

/** The network flags of `run`/`create`: ports, aliases, a fixed address, the domain name. */
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
    .option('--domainname <string>', 'Container NIS domain name');
}

export interface NetworkFlags extends EndpointFlags {
  publish?: string[];
  publishAll?: boolean;
  expose?: string[];
  networkAlias?: string[];
  link?: string[];
  domainname?: string;
  network?: string;
  net?: string;
}

/** The parts of the create request these flags fill (docker's ParsePortSpecs errors become usage errors). */
export function networkRequest(flags: NetworkFlags): Pick<ContainerCreateRequest, 'ExposedPorts' | 'Domainname' | 'NetworkingConfig'> & {
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
  const mode = flags.network ?? flags.net ?? 'default';
  const ipam = endpointIpam(flags);
  const endpoint = flags.networkAlias?.length || ipam ? { Aliases: flags.networkAlias ?? null, IPAMConfig: ipam } : undefined;
  return {
    ExposedPorts: Object.keys(exposed).length ? exposed : undefined,
    Domainname: flags.domainname ?? '',
    NetworkingConfig: endpoint ? { EndpointsConfig: { [mode]: endpoint } } : undefined,
    // `--link name` is `name:name`, as the docker CLI sends it.
    host: {
      PortBindings: ports.bindings,
      PublishAllPorts: flags.publishAll ?? false,
      Links: flags.link?.map((l) => (l.includes(':') ? l : `${l}:${l}`)) ?? null,
    },
  };
}
