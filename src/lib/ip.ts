/**
 * IPv4 and IPv6 addresses and prefixes as numbers (bigint, so one arithmetic serves both
 * families): parsing, Go's `netip` text form (RFC 5952 for IPv6), masking and containment.
 */

export type Family = 4 | 6;

export interface Ip {
  family: Family;
  n: bigint;
}

/** A prefix: `base` is masked to `len` bits. */
export interface Cidr {
  family: Family;
  base: bigint;
  len: number;
}

export const bitsOf = (f: Family): number => (f === 4 ? 32 : 128);

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseV4(s: string): bigint | undefined {
  const m = V4.exec(s);
  if (m === null || m.slice(1).some((o) => Number(o) > 255 || (o.length > 1 && o.startsWith('0')))) return undefined;
  return m.slice(1).reduce((n, o) => (n << 8n) | BigInt(o), 0n);
}

function parseV6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || s.split('::').length > 2) return undefined;
  let text = s;
  // An embedded IPv4 tail (`::ffff:1.2.3.4`) is two groups.
  const dot = text.lastIndexOf(':');
  if (text.includes('.')) {
    const v4 = parseV4(text.slice(dot + 1));
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, dot + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const groups = (p: string): string[] => (p === '' ? [] : p.split(':'));
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const missing = 8 - h.length - t.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  const all = [...h, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...t];
  if (all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return all.reduce((n, g) => (n << 16n) | BigInt(`0x${g}`), 0n);
}

/** An IPv4 or IPv6 address (no zone, no prefix), or undefined. */
export function parseIp(s: string): Ip | undefined {
  const v4 = parseV4(s);
  if (v4 !== undefined) return { family: 4, n: v4 };
  const v6 = s.includes(':') ? parseV6(s) : undefined;
  return v6 === undefined ? undefined : { family: 6, n: v6 };
}

export const isIpv4 = (s: string): boolean => parseIp(s)?.family === 4;
export const isIpv6 = (s: string): boolean => parseIp(s)?.family === 6;

/** The text form Go's netip prints: dotted quad, or lower-case IPv6 with the longest zero run (2+ groups) as `::`. */
export function formatIp(ip: Ip): string {
  if (ip.family === 4) return [24n, 16n, 8n, 0n].map((s) => String((ip.n >> s) & 255n)).join('.');
  const g = Array.from({ length: 8 }, (_, i) => Number((ip.n >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = (a: number[]): string => a.map((x) => x.toString(16)).join(':');
  return best < 0 ? hex(g) : `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

export function mask(f: Family, len: number): bigint {
  const bits = BigInt(bitsOf(f));
  return ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(len))) - 1n);
}

/** `10.1.2.3/16` → 10.1.0.0/16; undefined for anything that is not an address and a prefix length that fits it. */
export function parseCidr(s: string): Cidr | undefined {
  const [addr, len, extra] = s.split('/');
  const ip = addr === undefined ? undefined : parseIp(addr);
  if (ip === undefined || len === undefined || extra !== undefined || !/^\d{1,3}$/.test(len) || Number(len) > bitsOf(ip.family)) return undefined;
  return { family: ip.family, base: ip.n & mask(ip.family, Number(len)), len: Number(len) };
}

export const cidrString = (c: Cidr): string => `${formatIp({ family: c.family, n: c.base })}/${c.len}`;

export function contains(c: Cidr, ip: Ip): boolean {
  return ip.family === c.family && (ip.n & mask(c.family, c.len)) === c.base;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const m = mask(a.family, Math.min(a.len, b.len));
  return (a.base & m) === (b.base & m);
}

/** The `k`-th address of a prefix (1: the first host address, a bridge's default gateway). */
export const nth = (c: Cidr, k: bigint): Ip => ({ family: c.family, n: c.base + k });

/** How many addresses the prefix holds. */
export const sizeOf = (c: Cidr): bigint => 1n << BigInt(bitsOf(c.family) - c.len);
