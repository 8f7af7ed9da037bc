import type { Writable } from 'node:stream';
import type { ContainerRecord } from '../core/containers.js';
import type { LogRecord } from '../lib/logs/k8s-file.js';
import type { LogService, ReadOptions } from '../services/logs/service.js';
import { frameHeader, STDERR, STDOUT, writeChunk } from './stream.js';

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
  const tty = rec.Config.Tty === true;
  const ac = new AbortController();
  const onClose = (): void => ac.abort();
  out.once('close', onClose);
  try {
    for await (const batch of logs.read(rec, { ...opts, signal: ac.signal })) {
      const chunks: Buffer[] = [];
      for (const r of batch) {
        if ((r.stream === 'stdout' && !opts.stdout) || (r.stream === 'stderr' && !opts.stderr)) continue;
        const data = decorate(r, opts);
        if (!tty) chunks.push(frameHeader(r.stream === 'stdout' ? STDOUT : STDERR, data.length));
        chunks.push(data);
      }
      if (chunks.length > 0 && !(await writeChunk(out, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)))) return;
    }
  } finally {
    out.off('close', onClose);
  }
}

function decorate(r: LogRecord, opts: OutputOptions): Buffer {
  if (!opts.timestamps && !opts.details) return r.data;
  const prefix = `${opts.timestamps ? `${r.time} ` : ''}${opts.details ? `${detailsOf(r.attrs)} ` : ''}`;
  return Buffer.concat([Buffer.from(prefix), r.data]);
}

/** Docker's attrs prefix: keys sorted, `k=v` with the value query-escaped (Go's url.QueryEscape), comma-joined. */
function detailsOf(attrs: Record<string, string> | undefined): string {
  if (attrs === undefined) return '';
  return Object.keys(attrs).sort().map((k) => `${k}=${queryEscape(attrs[k]!)}`).join(',');
}

function queryEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}
