import { createHash } from 'node:crypto';
import { invalidArgument } from '../../lib/errdefs.js';
import * as ip from '../../lib/ip.js';
import type { AddressPool } from './deps.js';

export type Cidr = ip.Cidr;
export { cidrString, isIpv4, isIpv6, overlaps } from '../../lib/ip.js';

/** `10.1.0.0/16`, `fd00:1::/64` → base and prefix length (the base masked, as Docker normalises it). */
export function parseCidr(s: string): Cidr {
  const c = ip.parseCidr(s);
  if (c === undefined) throw invalidArgument(`invalid CIDR address: ${s}`);
  return c;
}

export function contains(c: Cidr, addr: string): boolean {
  const a = ip.parseIp(addr);
  return a !== undefined && ip.contains(c, a);
}

/** The first address of the prefix after its base (a bridge's default gateway). */
export const firstHost = (c: Cidr): string => ip.formatIp(ip.nth(c, 1n));

/** The first `size`-prefix subnet of the pools (of `family`) that overlaps none of `used`. */
export function allocateSubnet(pools: AddressPool[], used: Cidr[], family: ip.Family = 4): Cidr | undefined {
  for (const pool of pools) {
    const p = parseCidr(pool.base);
    if (p.family !== family || pool.size < p.len) continue;
    const step = 1n << BigInt(ip.bitsOf(family) - pool.size);
    const count = 1n << BigInt(pool.size - p.len);
    for (let i = 0n; i < count; i++) {
      const c: Cidr = { family, base: p.base + i * step, len: pool.size };
      if (!used.some((u) => ip.overlaps(u, c))) return c;
    }
  }
  return undefined;
}

/**
 * Docker's (27+) IPv6 pool when `default-address-pools` names none: a ULA /48 whose 40-bit
 * global ID is the first bits of sha256(engine ID) (RFC 4193 §3.2.2, loosely), split into /64s.
 */
export function ulaPool(hostId: string): AddressPool {
  const gid = createHash('sha256').update(hostId).digest().readBigUInt64BE(0) & ((1n << 40n) - 1n);
  const base = ip.parseIp('fd00::')!.n + (gid << 80n);
  return { base: `${ip.formatIp({ family: 6, n: base })}/48`, size: 64 };
}
