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

/** Docker's log copier buffer: a longer line is kept as 16 KiB partial records. */
export const LINE_MAX = 16 * 1024;

export function parseLogLine(data: Buffer, text: string, start: number, end: number): LogRecord | undefined {
  const s1 = text.indexOf(' ', start);
  if (s1 < 0 || s1 >= end) return undefined;
  const s2 = text.indexOf(' ', s1 + 1);
  if (s2 < 0 || s2 >= end) return undefined;
  const stream = text.slice(s1 + 1, s2);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const s3 = text.indexOf(' ', s2 + 1);
  const flagEnd = s3 < 0 || s3 > end ? end : s3;
  const partial = text.charCodeAt(s2 + 1) === 0x50; // 'P'
  const payload = flagEnd === end ? end : s3 + 1;
  // A full record's payload is followed by the line's newline: include it, no copy.
  return { time: toUtcZ(text.slice(start, s1)), stream, partial, data: data.subarray(payload, partial ? end : end + 1) };
}

/** parseLogLine for one line held alone (without its newline). */
export function parseLogBuffer(line: Buffer): LogRecord | undefined {
  const data = Buffer.concat([line, NEWLINE]);
  return parseLogLine(data, data.toString('latin1'), 0, line.length);
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
