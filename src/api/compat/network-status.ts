import type { IpamPool } from '../../core/network.js';
import { ipToInt } from '../../lib/ipv4.js';

/** One subnet's line of a network's `Status.IPAM.Subnets` (API 1.52). */
export interface SubnetStatus {
  IPsInUse: number;
  DynamicIPsAvailable: number;
}

/** `a.b.c.d/n` → its first address and size; undefined for anything but IPv4. */
function block(cidr: string | undefined): { base: number; size: number } | undefined {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr ?? '');
  if (m === null) return undefined;
  const bits = Number(m[2]);
  const size = 2 ** (32 - bits);
  return { base: Math.floor(ipToInt(m[1]!) / size) * size, size };
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
    for (const ip of [pool.Gateway, ...allocated]) {
      if (ip === undefined || !/^\d+\.\d+\.\d+\.\d+$/.test(ip)) continue;
      if (inSubnet(ipToInt(ip))) used.add(ipToInt(ip));
    }
    const range = block(pool.IPRange) ?? subnet;
    const usedInRange = [...used].filter((ip) => ip >= range.base && ip < range.base + range.size).length;
    out[pool.Subnet] = { IPsInUse: used.size, DynamicIPsAvailable: Math.max(range.size - usedInRange, 0) };
  }
  return out;
}
