import type { NetworkRecord, PortMapping } from '../../core/network.js';
import { intToIp, ipToInt } from '../../lib/ipv4.js';

export const CNI_VERSION = '1.0.0';

export interface ConflistOptions {
  /** host-local's lease directory. */
  ipamDir: string;
}

/** Gateway and prefix of a subnet's first pool: the gateway given, else the first host address. */
export function gatewayOf(net: NetworkRecord): { gateway: string; subnet: string; prefixLen: number } {
  const pool = net.IPAM.Config[0];
  if (pool === undefined) throw new Error(`network ${net.Name} has no IPAM pool`);
  const [base, len] = pool.Subnet.split('/');
  return { gateway: pool.Gateway || nthAddress(base!, 1), subnet: pool.Subnet, prefixLen: Number(len) };
}

function nthAddress(base: string, n: number): string {
  return intToIp(ipToInt(base) + n);
}

/**
 * The plugin chain for a bridge network, in CNI "conflist" order: bridge (host-local IPAM) and
 * portmap (published ports, also from the host's loopback). Forwarding is allowed per network,
 * as Docker does it, by rules the driver installs with the bridge — the firewall plugin would add
 * and remove rules per container (≈ 30 ms on ADD and on DEL). tuning is left out: berth has no
 * per-container sysctls for it to set (bridge itself takes a MAC address in CNI_ARGS), and it would cost a spawn each way.
 * `defaultRoute`: whether this attachment routes 0.0.0.0/0 through the network's gateway.
 * Each item is what a plugin reads on stdin minus `name`, `cniVersion`, `prevResult` and
 * `runtimeConfig`, which the chain runner adds.
 */
export function pluginsFor(net: NetworkRecord, opts: ConflistOptions, defaultRoute = true): Array<Record<string, unknown>> {
  const { gateway, subnet } = gatewayOf(net);
  const pool = net.IPAM.Config[0]!;
  const range: Record<string, string> = { subnet, gateway };
  if (pool.IPRange) {
    const [b, l] = pool.IPRange.split('/');
    const start = ipToInt(b!);
    const end = start + 2 ** (32 - Number(l)) - 2;
    range.rangeStart = intToIp(Math.max(start, 1 + (start & ~0xff)));
    range.rangeEnd = intToIp(end);
  }
  return [
    {
      type: 'bridge',
      bridge: net.BridgeName,
      isGateway: true,
      // Outbound NAT is one rule per network that the driver installs with the bridge (ipMasq
      // would add and remove a chain per container: ≈ 20 ms on ADD and more on DEL).
      ipMasq: false,
      hairpinMode: true,
      ipam: {
        type: 'host-local',
        ranges: [[range]],
        // One endpoint of a container gives it the default route (services/networks/gateway.ts).
        routes: net.Internal || !defaultRoute ? [] : [{ dst: '0.0.0.0/0' }],
        dataDir: opts.ipamDir,
      },
    },
    { type: 'portmap', capabilities: { portMappings: true }, snat: true },
  ];
}

/** portmap's runtimeConfig entries. */
export function portMappingsConfig(ports: PortMapping[]): Array<Record<string, unknown>> {
  return ports.map((p) => ({
    hostPort: p.hostPort,
    containerPort: p.containerPort,
    protocol: p.protocol,
    ...(p.hostIp && p.hostIp !== '0.0.0.0' ? { hostIP: p.hostIp } : {}),
  }));
}
