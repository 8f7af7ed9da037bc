import type { IpamPool } from '../../core/network.js';
import { parseCidr, parseIp } from '../../lib/ip.js';

/** One subnet's line of a network's `Status.IPAM.Subnets` (API 1.52). */
export interface SubnetStatus {
  IPsInUse: number;
  DynamicIPsAvailable: number;
}

/** `a.b.c.d/n` → its first address and size; undefined for anything but IPv4. */
function block(cidr: string | undefined): { base: number; size: number } | undefined {
  const c = cidr === undefined ? undefined : parseCidr(cidr);
  if (c?.family !== 4) return undefined;
  return { base: Number(c.base), size: 2 ** (32 - c.len) };
}

/** An IPv4 address as a number; undefined for anything else. */
function v4(ip: string | undefined): number | undefined {
  const p = ip === undefined ? undefined : parseIp(ip);
  return p?.family === 4 ? Number(p.n) : undefined;
}

/**
 * libnetwork's IPAM statistics for a network's IPv4 subnets: the addresses in use are the network
 * and broadcast addresses, the gateway and every allocated (live endpoint's) address; the dynamic
 * ones left are the free addresses of the pool's IPRange (the whole subnet when none is set).
 */
export function subnetStatuses(pools: readonly IpamPool[], allocated: readonly string[]): Record<string, SubnetStatus> {
  const out: Record<string, SubnetStatus> = {};
  for (const pool of pools) {
    const subnet = block(pool.Subnet);
    if (subnet === undefined) continue;
    const inSubnet = (ip: number): boolean => ip >= subnet.base && ip < subnet.base + subnet.size;
    const used = new Set<number>([subnet.base, subnet.base + subnet.size - 1]);
    for (const addr of [pool.Gateway, ...allocated]) {
      const ip = v4(addr);
      if (ip !== undefined && inSubnet(ip)) used.add(ip);
    }
    const range = block(pool.IPRange) ?? subnet;
    const usedInRange = [...used].filter((ip) => ip >= range.base && ip < range.base + range.size).length;
    out[pool.Subnet] = { IPsInUse: used.size, DynamicIPsAvailable: Math.max(range.size - usedInRange, 0) };
  }
  return out;
}
