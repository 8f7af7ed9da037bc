import type { Writable } from 'node:stream';
import type { ContainerRecord } from '../core/containers.js';
import { readLogRecords, type ReadLogOptions } from '../lib/logs/reader.js';
import { frame, STDERR, STDOUT, writeChunk } from './stream.js';

export interface OutputOptions extends ReadLogOptions {
  stdout: boolean;
  stderr: boolean;
  timestamps?: boolean;
}

/**
 * Copies a container's output (from its log) to a client: raw bytes for a TTY container,
 * Docker's 8-byte multiplexed frames otherwise. Used by both logs and attach.
 */
export async function pipeOutput(rec: ContainerRecord, out: Writable, opts: OutputOptions): Promise<void> {
  const tty = rec.Config.Tty === true;
  const ac = new AbortController();
  const onClose = (): void => ac.abort();
  out.once('close', onClose);
  try {
    for await (const r of readLogRecords(rec.Paths.LogPath, { ...opts, signal: ac.signal })) {
      if ((r.stream === 'stdout' && !opts.stdout) || (r.stream === 'stderr' && !opts.stderr)) continue;
      const data = opts.timestamps ? Buffer.concat([Buffer.from(`${r.time} `), r.data]) : r.data;
      const ok = await writeChunk(out, tty ? data : frame(r.stream === 'stdout' ? STDOUT : STDERR, data));
      if (!ok) return;
    }
  } finally {
    out.off('close', onClose);
  }
}
