import type { EndpointIpam, IpamPool, NetworkRecord, PortMapping } from '../../core/network.js';
import { type Cidr, type Family, formatIp, nth, parseCidr, parseIp, sizeOf } from '../../lib/ip.js';

export const CNI_VERSION = '1.0.0';

export interface ConflistOptions {
  /** host-local's lease directory. */
  ipamDir: string;
}

/** A family's pool as the bridge carries it: the gateway given, else the subnet's first host address. */
export interface BridgePool {
  family: Family;
  subnet: string;
  gateway: string;
  prefixLen: number;
}

function cidrOf(s: string): Cidr {
  const c = parseCidr(s);
  if (c === undefined) throw new Error(`invalid CIDR address: ${s}`);
  return c;
}

const familyOf = (pool: IpamPool): Family => cidrOf(pool.Subnet).family;

/** The first pool of each enabled family (IPv4 first): what the bridge's addresses and rules are made of. */
export function bridgePools(net: NetworkRecord): BridgePool[] {
  const out: BridgePool[] = [];
  // A family that is off keeps its pools on record (as asked) but gets no address.
  const on = { 4: net.EnableIPv4 !== false, 6: net.EnableIPv6 };
  for (const family of [4, 6] as const) {
    if (!on[family]) continue;
    const pool = net.IPAM.Config.find((p) => familyOf(p) === family);
    if (pool === undefined) continue;
    const c = cidrOf(pool.Subnet);
    out.push({ family, subnet: pool.Subnet, gateway: pool.Gateway || formatIp(nth(c, 1n)), prefixLen: c.len });
  }
  if (out.length === 0) throw new Error(`network ${net.Name} has no IPAM pool`);
  return out;
}

/** host-local's range for one pool; an IPRange narrows it (IPv4 leaves out the range's network and broadcast addresses). */
function rangeOf(pool: IpamPool, gateway: string): Record<string, string> {
  const range: Record<string, string> = { subnet: pool.Subnet, gateway };
  if (!pool.IPRange) return range;
  const r = cidrOf(pool.IPRange);
  const first = r.family === 4 ? r.base + (r.base % 256n === 0n ? 1n : 0n) : r.base === cidrOf(pool.Subnet).base ? r.base + 1n : r.base;
  range.rangeStart = formatIp({ family: r.family, n: first });
  range.rangeEnd = formatIp(nth(r, sizeOf(r) - (r.family === 4 ? 2n : 1n)));
  return range;
}

/**
 * The plugin chain for a bridge network, in CNI "conflist" order: bridge (host-local IPAM) and
 * portmap (published ports, also from the host's loopback). Forwarding is allowed per network,
 * as Docker does it, by rules the driver installs with the bridge — the firewall plugin would add
 * and remove rules per container (≈ 30 ms on ADD and on DEL). tuning is left out: berth has no
 * per-container sysctls or MAC for it to set, and it would cost a spawn each way.
 * host-local gets one range set per family (one address of each), every pool of the family in it.
 * Each item is what a plugin reads on stdin minus `name`, `cniVersion`, `prevResult` and
 * `runtimeConfig`, which the chain runner adds; `ipam` (fixed addresses) goes in as host-local's `args.cni.ips`.
 */
export function pluginsFor(net: NetworkRecord, opts: ConflistOptions, ipam: EndpointIpam = {}): Array<Record<string, unknown>> {
  const bridge = bridgePools(net);
  const ranges = bridge.map((b) => net.IPAM.Config.filter((p) => familyOf(p) === b.family).map((p, i) => rangeOf(p, i === 0 ? b.gateway : p.Gateway || '')));
  const routes = net.Internal ? [] : bridge.map((b) => ({ dst: b.family === 4 ? '0.0.0.0/0' : '::/0' }));
  const fixed = [ipam.IPv4Address, ipam.IPv6Address].filter((a): a is string => !!a);
  return [
    {
      type: 'bridge',
      bridge: net.BridgeName,
      isGateway: true,
      // Outbound NAT is one rule per network that the driver installs with the bridge (ipMasq
      // would add and remove a chain per container: ≈ 20 ms on ADD and more on DEL).
      ipMasq: false,
      hairpinMode: true,
      ipam: { type: 'host-local', ranges: ranges.map((set) => set.map((r) => (r.gateway ? r : { subnet: r.subnet }))), routes, dataDir: opts.ipamDir },
      ...(fixed.length > 0 ? { args: { cni: { ips: fixed } } } : {}),
    },
    { type: 'portmap', capabilities: { portMappings: true }, snat: true },
  ];
}

/** Whether a host address is the IPv6 loopback, which no DNAT can reach (the kernel drops ::1 on a bridge): a userland proxy serves it. */
export const isLoopback6 = (hostIp: string): boolean => {
  const ip = parseIp(hostIp);
  return ip?.family === 6 && ip.n === 1n;
};

/** portmap's runtimeConfig entries (IPv6 loopback bindings are the userland proxy's). */
export function portMappingsConfig(ports: PortMapping[]): Array<Record<string, unknown>> {
  return ports
    .filter((p) => !isLoopback6(p.hostIp))
    .map((p) => ({
      hostPort: p.hostPort,
      containerPort: p.containerPort,
      protocol: p.protocol,
      ...(p.hostIp && p.hostIp !== '0.0.0.0' && p.hostIp !== '::' ? { hostIP: p.hostIp } : {}),
    }));
}
