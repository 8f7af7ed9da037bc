const start = { ms: Date.now(), ns: process.hrtime.bigint() };

/** Nanoseconds since the epoch (wall clock, with hrtime resolution). */
export function nowNanos(): bigint {
  return BigInt(start.ms) * 1_000_000n + (process.hrtime.bigint() - start.ns);
}

/** Now as RFC 3339 with nanoseconds in UTC (`2026-11-23T05:15:24.172464003Z`), as Docker prints times. */
export function nowRfc3339Nano(): string {
  return nanosToRfc3339(nowNanos());
}

/** Nanoseconds since the epoch → RFC 3339 in UTC with 9 fractional digits (such times sort as text). */
export function nanosToRfc3339(ns: bigint): string {
  const secs = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(Number(secs) * 1000).toISOString().slice(0, 19)}.${frac}Z`;
}

/** Go's zero time, which Docker prints for "never" (StartedAt/FinishedAt of a new container). */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Seconds since the epoch of an RFC 3339 time (fraction dropped). */
export function unixSeconds(rfc3339: string): number {
  return Math.floor(Date.parse(rfc3339) / 1000);
}
