import type { LogRecord, LogStream } from './k8s-file.js';

/**
 * Docker's json-file format: one JSON object per record and line,
 *   {"log":"hello\n","stream":"stdout","attrs":{"tag":"web"},"time":"2026-11-22T19:09:18.302206817Z"}
 * with Go's encoding (`<`, `>`, `&`, U+2028/9 escaped; invalid UTF-8 as U+FFFD), the fields in
 * Docker's order, `attrs` only when there are some, and the time in Go's RFC3339Nano (trailing
 * fractional zeros trimmed). A partial record (a line longer than the capture's buffer, or output
 * that ended without a newline) has no trailing `\n` in "log", as Docker writes it.
 */
export function encodeJsonLine(rec: LogRecord, attrsJson = ''): string {
  const attrs = attrsJson === '' ? '' : `,"attrs":${attrsJson}`;
  return `{"log":${goJsonString(rec.data.toString('utf8'))},"stream":"${rec.stream}"${attrs},"time":"${trimNanos(rec.time)}"}\n`;
}

/** `attrs` as encodeJsonLine takes it: Go's encoding of a map (keys sorted). */
export function encodeAttrs(attrs: Record<string, string>): string {
  const keys = Object.keys(attrs).sort();
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${goJsonString(k)}:${goJsonString(attrs[k]!)}`).join(',')}}`;
}

const GO_ESCAPE = /[<>&\u2028\u2029]/;
const GO_ESCAPES = /[<>&\u2028\u2029]/g;

function goJsonString(s: string): string {
  const j = JSON.stringify(s);
  return GO_ESCAPE.test(j) ? j.replace(GO_ESCAPES, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : j;
}

/** `…:18.302206800Z` → `…:18.3022068Z`; `…:18.000000000Z` → `…:18Z` (Go's RFC3339Nano). */
function trimNanos(time: string): string {
  const dot = time.indexOf('.', 17);
  if (dot < 0) return time;
  const z = time.length - 1;
  let end = z;
  while (end > dot + 1 && time.charCodeAt(end - 1) === 0x30) end--;
  return end === dot + 1 ? `${time.slice(0, dot)}Z` : `${time.slice(0, end)}Z`;
}

/** `…:18.3022068Z` → `…:18.302206800Z`: every record time has 9 fractional digits (so they sort as text). */
export function padNanos(time: string): string {
  if (!time.endsWith('Z')) return time;
  const dot = time.indexOf('.', 17);
  if (dot < 0) return `${time.slice(0, -1)}.000000000Z`;
  const digits = time.length - 2 - dot;
  return digits === 9 ? time : `${time.slice(0, -1)}${'0'.repeat(9 - digits)}Z`;
}

const LOG_PREFIX = Buffer.from('{"log":"');
const STREAM_KEY = Buffer.from('","stream":"');
const TIME_KEY = Buffer.from(',"time":"');

/**
 * One json-file line → a record. Lines as Docker and berth write them take a fast path that
 * never builds a JSON object (the payload's bytes are copied as they are unless it has escapes
 * other than its final `\n`); anything else goes through JSON.parse.
 */
export function parseJsonLine(line: Buffer): LogRecord | undefined {
  if (line.length < LOG_PREFIX.length || line.compare(LOG_PREFIX, 0, LOG_PREFIX.length, 0, LOG_PREFIX.length) !== 0) return slowParse(line);
  const end = stringEnd(line, LOG_PREFIX.length);
  if (end < 0 || line.compare(STREAM_KEY, 0, STREAM_KEY.length, end, end + STREAM_KEY.length) !== 0) return slowParse(line);
  const s = end + STREAM_KEY.length;
  const stream = line.toString('latin1', s, s + 6);
  if ((stream !== 'stdout' && stream !== 'stderr') || line[s + 6] !== 0x22) return slowParse(line);
  const t = line.lastIndexOf(TIME_KEY);
  const tEnd = line.length - 2;
  if (t < s || line[tEnd] !== 0x22 || line[tEnd + 1] !== 0x7d) return slowParse(line);
  const rest = line.subarray(s + 7, t);
  let attrs: Record<string, string> | undefined;
  if (rest.length > 0) {
    if (!rest.toString('latin1', 0, 9).startsWith(',"attrs":')) return slowParse(line);
    attrs = JSON.parse(rest.toString('utf8', 9)) as Record<string, string>;
  }
  const time = padNanos(line.toString('latin1', t + TIME_KEY.length, tEnd));
  const data = decodePayload(line, LOG_PREFIX.length, end);
  return { time, stream, partial: data.length === 0 || data[data.length - 1] !== 0x0a, data, ...(attrs ? { attrs } : {}) };
}

/** Index of the quote that ends the JSON string starting at `from`, or -1. */
function stringEnd(line: Buffer, from: number): number {
  let q = line.indexOf(0x22, from);
  while (q >= 0) {
    let bs = 0;
    while (line[q - 1 - bs] === 0x5c) bs++;
    if (bs % 2 === 0) return q;
    q = line.indexOf(0x22, q + 1);
  }
  return -1;
}

function decodePayload(line: Buffer, start: number, end: number): Buffer {
  const bs = line.indexOf(0x5c, start);
  if (bs < 0 || bs >= end) return line.subarray(start, end);
  // The common case: the only escape is the `\n` that ends the line.
  if (bs === end - 2 && line[end - 1] === 0x6e) return Buffer.concat([line.subarray(start, end - 2), NL]);
  return Buffer.from(JSON.parse(line.toString('utf8', start - 1, end + 1)) as string);
}

const NL = Buffer.from('\n');

function slowParse(line: Buffer): LogRecord | undefined {
  let o: { log?: unknown; stream?: unknown; time?: unknown; attrs?: Record<string, string> };
  try {
    o = JSON.parse(line.toString('utf8')) as typeof o;
  } catch {
    return undefined;
  }
  if (typeof o.log !== 'string' || typeof o.time !== 'string') return undefined;
  const stream: LogStream = o.stream === 'stderr' ? 'stderr' : 'stdout';
  const data = Buffer.from(o.log);
  return { time: padNanos(o.time), stream, partial: !o.log.endsWith('\n'), data, ...(o.attrs ? { attrs: o.attrs } : {}) };
}
