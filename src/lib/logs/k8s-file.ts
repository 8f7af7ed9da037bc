import { nanosToRfc3339 } from '../time.js';

/**
 * conmon's k8s-file log format: one record per line,
 *   `2026-11-22T19:09:18.302206817+00:00 stdout F hello`
 * where F marks a full line and P a partial one (the next record continues it).
 */
export type LogStream = 'stdout' | 'stderr';

export interface LogRecord {
  /** RFC 3339 with nanoseconds, in UTC with a `Z` suffix (Docker's form). */
  time: string;
  stream: LogStream;
  partial: boolean;
  /** The payload, with a trailing newline when the record ends a line. */
  data: Buffer;
  /** Extra attributes stored with the record (json-file's `attrs`: labels, env, tag). */
  attrs?: Record<string, string>;
}

export function parseLogLine(line: Buffer): LogRecord | undefined {
  const s1 = line.indexOf(0x20);
  const s2 = s1 < 0 ? -1 : line.indexOf(0x20, s1 + 1);
  const s3 = s2 < 0 ? -1 : line.indexOf(0x20, s2 + 1);
  if (s3 < 0 && s2 < 0) return undefined;
  const stamp = line.subarray(0, s1).toString();
  const stream = line.subarray(s1 + 1, s2).toString();
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const flag = s3 < 0 ? line.subarray(s2 + 1).toString() : line.subarray(s2 + 1, s3).toString();
  const partial = flag.startsWith('P');
  const payload = s3 < 0 ? Buffer.alloc(0) : line.subarray(s3 + 1);
  return { time: toUtcZ(stamp), stream, partial, data: partial ? payload : Buffer.concat([payload, Buffer.from('\n')]) };
}

/**
 * One record as a k8s-file line (also the `local` driver's on-disk format). The payload never
 * holds a newline: records are split at newlines, a newline ends a full record (`F`).
 */
export function formatLogLine(rec: LogRecord): Buffer {
  const full = rec.data.length > 0 && rec.data[rec.data.length - 1] === 0x0a;
  const payload = full ? rec.data.subarray(0, rec.data.length - 1) : rec.data;
  return Buffer.concat([Buffer.from(`${rec.time} ${rec.stream} ${full ? 'F' : 'P'} `), payload, NEWLINE]);
}

const NEWLINE = Buffer.from('\n');

/** `2026-11-22T19:09:18.302206817+00:00` → `2026-11-22T19:09:18.302206817Z` */
function toUtcZ(stamp: string): string {
  if (stamp.endsWith('+00:00')) return `${stamp.slice(0, -6)}Z`;
  return stamp.endsWith('Z') ? stamp : nanosToRfc3339(timeToNanos(stamp));
}


/** Nanoseconds since the epoch of an RFC 3339 timestamp with up to 9 fractional digits. */
export function timeToNanos(stamp: string): bigint {
  const m = /^(.*?T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(stamp);
  if (m === null) return BigInt(Date.parse(stamp)) * 1_000_000n;
  const secs = BigInt(Date.parse(`${m[1]}${m[3]}`)) / 1000n;
  return secs * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}
