import type { LogRecord, LogStream } from './k8s-file.js';

/**
 * Docker's json-file format: one JSON object per record and line,
 *   {"log":"hello\n","stream":"stdout","attrs":{"tag":"web"},"time":"2026-11-22T19:09:18.302206817Z"}
 * with Go's encoding (`<`, `>`, `&`, U+2028/9 escaped; invalid UTF-8 as U+FFFD), the fields in
 * Docker's order, `attrs` only when there are some, and the time in Go's RFC3339Nano (trailing
 * fractional zeros trimmed). A partial record (a line longer than the capture's buffer, or output
 * that ended without a newline) has no trailing `\n` in "log", as Docker writes it.
 */
export function encodeJsonLine(rec: LogRecord, attrsJson = '', plain = false): string {
  const attrs = attrsJson === '' ? '' : `,"attrs":${attrsJson}`;
  const log = plain ? JSON.stringify(rec.data.toString('latin1')) : goJsonString(rec.data.toString('utf8'));
  return `{"log":${log},"stream":"${rec.stream}"${attrs},"time":"${trimNanos(rec.time)}"}\n`;
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
  // Records of one read share their time: remember the last answer.
  if (time === trimmed.in) return trimmed.out;
  trimmed.in = time;
  trimmed.out = trimNanosOf(time);
  return trimmed.out;
}

const trimmed = { in: '', out: '' };

function trimNanosOf(time: string): string {
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

/**
 * One json-file line → a record (see LineParser). Lines as Docker and berth write them take a
 * fast path that builds no JSON object and copies nothing: the payload is a view of the line,
 * its final escaped `\n` rewritten in place to a newline; payloads with other escapes and lines
 * of another shape go through JSON.parse.
 */
export function parseJsonLine(data: Buffer, text: string, start: number, end: number): LogRecord | undefined {
  if (!text.startsWith('{"log":"', start)) return slowParse(data, start, end);
  const p = start + 8;
  const e = stringEnd(text, p, end);
  if (e < 0 || !text.startsWith('","stream":"std', e)) return slowParse(data, start, end);
  const s = e + 12;
  const c = text.charCodeAt(s + 3);
  const stream: LogStream = c === 0x6f ? 'stdout' : 'stderr'; // stdOut / stdErr
  if (text.charCodeAt(s + 6) !== 0x22 || (c !== 0x6f && c !== 0x65)) return slowParse(data, start, end);
  const t = text.lastIndexOf(',"time":"', end);
  if (t < s + 7 || text.charCodeAt(end - 1) !== 0x7d || text.charCodeAt(end - 2) !== 0x22) return slowParse(data, start, end);
  let attrs: Record<string, string> | undefined;
  if (t > s + 7) {
    if (!text.startsWith(',"attrs":', s + 7)) return slowParse(data, start, end);
    attrs = JSON.parse(data.toString('utf8', s + 16, t)) as Record<string, string>;
  }
  const time = padNanos(text.slice(t + 9, end - 2));
  const payload = decodePayload(data, text, p, e);
  return { time, stream, partial: payload.length === 0 || payload[payload.length - 1] !== 0x0a, data: payload, ...(attrs ? { attrs } : {}) };
}

/** Index of the quote that ends the JSON string starting at `from` (before `end`), or -1. */
function stringEnd(text: string, from: number, end: number): number {
  let q = text.indexOf('"', from);
  while (q >= 0 && q < end) {
    let bs = 0;
    while (text.charCodeAt(q - 1 - bs) === 0x5c) bs++;
    if (bs % 2 === 0) return q;
    q = text.indexOf('"', q + 1);
  }
  return -1;
}

function decodePayload(data: Buffer, text: string, start: number, end: number): Buffer {
  const bs = text.indexOf('\\', start);
  if (bs < 0 || bs >= end) return data.subarray(start, end);
  // The common case: the only escape is the `\n` that ends the line.
  if (bs === end - 2 && text.charCodeAt(end - 1) === 0x6e) {
    data[end - 2] = 0x0a;
    return data.subarray(start, end - 1);
  }
  return Buffer.from(JSON.parse(data.toString('utf8', start - 1, end + 1)) as string);
}

function slowParse(data: Buffer, start: number, end: number): LogRecord | undefined {
  let o: { log?: unknown; stream?: unknown; time?: unknown; attrs?: Record<string, string> };
  try {
    o = JSON.parse(data.toString('utf8', start, end)) as typeof o;
  } catch {
    return undefined;
  }
  if (typeof o.log !== 'string' || typeof o.time !== 'string') return undefined;
  const stream: LogStream = o.stream === 'stderr' ? 'stderr' : 'stdout';
  return { time: padNanos(o.time), stream, partial: !o.log.endsWith('\n'), data: Buffer.from(o.log), ...(o.attrs ? { attrs: o.attrs } : {}) };
}
