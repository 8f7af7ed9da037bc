import type { Writable } from 'node:stream';
import type { ContainerRecord } from '../core/containers.js';
import type { LogRecord } from '../lib/logs/k8s-file.js';
import type { LogService, ReadOptions } from '../services/logs/service.js';
import { STDERR, STDOUT, writeChunk } from './stream.js';
import { at } from './versions.js';

/**
 * The Content-Type of a logs, attach or exec stream: multiplexed frames are named so from 1.42;
 * older clients were always told `raw-stream` (the framing itself never changed).
 */
export function streamContentType(version: string, tty: boolean): string {
  return tty || !at(version, 'multiplexedContentType') ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream';
}

export interface OutputOptions extends ReadOptions {
  stdout: boolean;
  stderr: boolean;
  timestamps?: boolean;
  /** Docker's --details: each line prefixed with its attrs (`k=v,k2=v2 `). */
  details?: boolean;
}

/**
 * Copies a container's output (from its log driver) to a client: raw bytes for a TTY container,
 * Docker's 8-byte multiplexed frames otherwise, one write per batch. Used by logs and attach.
 */
export async function pipeOutput(logs: LogService, rec: ContainerRecord, out: Writable, opts: OutputOptions): Promise<void> {
  await (
    await openOutput(logs, rec, opts)
  )(out);
}

/**
 * Opens the container's output (files open, live subscription made) and returns the function
 * that copies it to `out`: what is written between the two is kept, not lost.
 */
export async function openOutput(logs: LogService, rec: ContainerRecord, opts: OutputOptions): Promise<(out: Writable) => Promise<void>> {
  const ac = new AbortController();
  const batches = await logs.open(rec, { ...opts, signal: ac.signal });
  return (out) => copyOutput(batches, ac, rec, out, opts);
}

async function copyOutput(batches: AsyncGenerator<LogRecord[]>, ac: AbortController, rec: ContainerRecord, out: Writable, opts: OutputOptions): Promise<void> {
  const tty = rec.Config.Tty === true;
  const onClose = (): void => ac.abort();
  out.once('close', onClose);
  try {
    for await (const batch of batches) {
      const data = encodeBatch(batch, tty, opts);
      if (data.length > 0 && !(await writeChunk(out, data))) return;
    }
  } finally {
    out.off('close', onClose);
  }
}

/** A batch as the client gets it, in one buffer: frames (or raw bytes for a TTY), prefixes as asked. */
function encodeBatch(batch: LogRecord[], tty: boolean, opts: OutputOptions): Buffer {
  const decorated = opts.timestamps === true || opts.details === true;
  const prefixes: string[] = [];
  let total = 0;
  for (const r of batch) {
    if ((r.stream === 'stdout' && !opts.stdout) || (r.stream === 'stderr' && !opts.stderr)) continue;
    if (decorated) {
      const prefix = `${opts.timestamps ? `${r.time} ` : ''}${opts.details ? `${detailsOf(r.attrs)} ` : ''}`;
      prefixes.push(prefix);
      total += Buffer.byteLength(prefix);
    }
    total += r.data.length + (tty ? 0 : 8);
  }
  const out = Buffer.allocUnsafe(total);
  let p = 0;
  let i = 0;
  for (const r of batch) {
    if ((r.stream === 'stdout' && !opts.stdout) || (r.stream === 'stderr' && !opts.stderr)) continue;
    const prefix = decorated ? prefixes[i++]! : '';
    const len = Buffer.byteLength(prefix) + r.data.length;
    if (!tty) {
      out.writeUInt32BE(r.stream === 'stdout' ? STDOUT << 24 : STDERR << 24, p);
      out.writeUInt32BE(len, p + 4);
      p += 8;
    }
    if (prefix !== '') p += out.write(prefix, p);
    p += r.data.copy(out, p);
  }
  return out;
}

/** Docker's attrs prefix: keys sorted, `k=v` with the value query-escaped (Go's url.QueryEscape), comma-joined. */
function detailsOf(attrs: Record<string, string> | undefined): string {
  if (attrs === undefined) return '';
  return Object.keys(attrs)
    .sort()
    .map((k) => `${k}=${queryEscape(attrs[k]!)}`)
    .join(',');
}

function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}
