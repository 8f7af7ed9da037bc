import { invalidArgument } from '../../lib/errdefs.js';
import { intToIp, ipToInt } from '../../lib/ipv4.js';
import type { AddressPool } from './deps.js';

export interface Cidr {
  base: number;
  len: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isIpv4(s: string): boolean {
  const m = IPV4.exec(s);
  return m !== null && m.slice(1).every((o) => Number(o) <= 255);
}

/** `10.1.0.0/16` → base and prefix length (the base masked, as Docker normalises it). */
export function parseCidr(s: string): Cidr {
  const [ip, len] = s.split('/');
  const n = Number(len);
  if (!ip || !isIpv4(ip) || len === undefined || !/^\d+$/.test(len) || n > 32) throw invalidArgument(`invalid CIDR address: ${s}`);
  const mask = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
  return { base: (ipToInt(ip) & mask) >>> 0, len: n };
}

export function cidrString(c: Cidr): string {
  return `${intToIp(c.base)}/${c.len}`;
}

export function contains(c: Cidr, ip: string): boolean {
  const mask = c.len === 0 ? 0 : (0xffffffff << (32 - c.len)) >>> 0;
  return (ipToInt(ip) & mask) >>> 0 === c.base;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const len = Math.min(a.len, b.len);
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return (a.base & mask) >>> 0 === (b.base & mask) >>> 0;
}

/** The first `size`-prefix subnet of the pools that overlaps none of `used`. */
export function allocateSubnet(pools: AddressPool[], used: Cidr[]): Cidr | undefined {
  for (const pool of pools) {
    const p = parseCidr(pool.base);
    for (let i = 0; i < 2 ** (pool.size - p.len); i++) {
      const c = { base: (p.base + i * 2 ** (32 - pool.size)) >>> 0, len: pool.size };
      if (!used.some((u) => overlaps(u, c))) return c;
    }
  }
  return undefined;
}
