import { watch } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { isErrno } from '../../core/errdefs.js';
import { parseLogLine, timeToNanos, type LogRecord } from './k8s-file.js';

export interface ReadLogOptions {
  /** Only the last N lines (undefined or negative: all). */
  tail?: number;
  /** Nanoseconds since the epoch; records before it are skipped. */
  sinceNanos?: bigint;
  untilNanos?: bigint;
  follow?: boolean;
  /** Resolves when no more records will be written (the container stopped); ends a follow. */
  done?: Promise<void>;
  /** Aborts a follow (the client went away). */
  signal?: AbortSignal;
}

const CHUNK = 256 * 1024;

/**
 * Reads a k8s-file log as records. `tail` seeks from the end (cost proportional to what is
 * returned, not to the log's size); `follow` keeps reading appended records until `done`.
 */
export async function* readLogRecords(path: string, opts: ReadLogOptions = {}): AsyncGenerator<LogRecord> {
  let finished = false;
  const done = opts.done?.then(() => void (finished = true));
  let fh: FileHandle | undefined;
  let existed = true;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
    existed = false;
    if (opts.follow) fh = await waitForFile(path, () => finished || opts.signal?.aborted === true);
  }
  if (fh === undefined) return;
  try {
    // A log that did not exist yet is read from its start: all of it is new.
    let offset = existed && opts.tail !== undefined && opts.tail >= 0 ? await tailOffset(fh, opts.tail) : 0;
    let rest = Buffer.alloc(0);
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await fh.read(buf, 0, CHUNK, offset);
      if (bytesRead > 0) {
        offset += bytesRead;
        let data = Buffer.concat([rest, buf.subarray(0, bytesRead)]);
        let nl: number;
        while ((nl = data.indexOf(0x0a)) >= 0) {
          const rec = parseLogLine(data.subarray(0, nl));
          data = data.subarray(nl + 1);
          if (rec === undefined) continue;
          const t = timeToNanos(rec.time);
          if (opts.sinceNanos !== undefined && t < opts.sinceNanos) continue;
          if (opts.untilNanos !== undefined && t > opts.untilNanos) return;
          yield rec;
        }
        rest = Buffer.from(data);
        continue;
      }
      if (!opts.follow || opts.signal?.aborted) return;
      if (finished) {
        // One last read after the writer finished, so nothing written just before the end is lost.
        const { bytesRead: more } = await fh.read(Buffer.allocUnsafe(1), 0, 1, offset);
        if (more === 0) return;
        continue;
      }
      await changeOrDone(path, done, opts.signal);
    }
  } finally {
    await fh.close();
  }
}

/** Byte offset where the last `n` lines begin. */
async function tailOffset(fh: FileHandle, n: number): Promise<number> {
  const { size } = await fh.stat();
  if (n === 0) return size;
  let pos = size;
  let newlines = 0;
  const buf = Buffer.allocUnsafe(64 * 1024);
  while (pos > 0) {
    const len = Math.min(buf.length, pos);
    pos -= len;
    await fh.read(buf, 0, len, pos);
    for (let i = len - 1; i >= 0; i--) {
      if (buf[i] !== 0x0a) continue;
      // The newline ending the file's last line does not start a line.
      if (pos + i === size - 1) continue;
      if (++newlines === n) return pos + i + 1;
    }
  }
  return 0;
}

function changeOrDone(path: string, done: Promise<void> | undefined, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const w = watch(path, () => finish());
    // Also poll: a change between our read and the watch's start would otherwise be missed.
    const timer = setTimeout(finish, 250);
    function finish(): void {
      w.close();
      clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      resolve();
    }
    signal?.addEventListener('abort', finish);
    void done?.then(finish);
  });
}

async function waitForFile(path: string, stop: () => boolean): Promise<FileHandle | undefined> {
  for (;;) {
    try {
      return await open(path, 'r');
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
      if (stop()) return undefined;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
