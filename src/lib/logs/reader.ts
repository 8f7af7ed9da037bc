import { open, readFile, type FileHandle } from 'node:fs/promises';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { isErrno } from '../errdefs.js';
import type { LogRecord } from './k8s-file.js';

/**
 * Turns the line `data[start, end)` (`data[end]` is its newline) into a record; undefined skips
 * it. `text` is `data` as latin1 (one char per byte, same offsets): parsers search it with
 * string operations, which cost far less per call than Buffer methods. A record's payload may be
 * a view of `data`, which the parser may rewrite in place (the chunk belongs to the reader).
 */
export type LineParser = (data: Buffer, text: string, start: number, end: number) => LogRecord | undefined;

/** Complete lines read from a segment: `starts[i]`/`ends[i]` index `data` (and `text`). */
export interface LineChunk {
  data: Buffer;
  text: string;
  starts: number[];
  ends: number[];
  /** The segment offset just past the last line. */
  end: number;
}

/**
 * One file of a log as a reader sees it: a fixed length (what the file held when the reader took
 * its snapshot, so a writer appending or rotating meanwhile changes nothing) and positional reads.
 */
export interface LogSegment {
  size: number;
  read(buf: Buffer, len: number, pos: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * Opens a log file for reading up to `end` (default: its current size); a `.gz` file is
 * decompressed into memory (rotated files are at most max-size). undefined when it is gone.
 */
export async function openSegment(path: string, end?: number): Promise<LogSegment | undefined> {
  try {
    if (path.endsWith('.gz')) {
      const data = await promisify(gunzip)(await readFile(path));
      return { size: data.length, read: async (buf, len, pos) => data.copy(buf, 0, pos, pos + len), close: async () => undefined };
    }
    const fh = await open(path, 'r');
    return fileSegment(fh, end ?? (await fh.stat()).size);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
}

export interface RangeOptions {
  /** Only the last N records (undefined or negative: all). */
  tail?: number;
  /** RFC 3339 times with 9 fractional digits in UTC (record times compare as text). */
  since?: string;
  until?: string;
}

const CHUNK = 1 << 20;

/**
 * Reads records from segments, oldest first, in batches. `tail` counts newlines backwards from the
 * end (cost proportional to what is returned, never to the log's size); reading forward streams
 * chunk by chunk, so memory stays flat however large the log.
 */
export async function* readSegments(segs: LogSegment[], parse: LineParser, opts: RangeOptions = {}): AsyncGenerator<LogRecord[]> {
  let start = { seg: 0, pos: 0 };
  if (opts.tail !== undefined && opts.tail >= 0) start = await tailStart(segs, opts.tail);
  for (let i = start.seg; i < segs.length; i++) {
    for await (const c of segmentLines(segs[i]!, i === start.seg ? start.pos : 0)) {
      const batch: LogRecord[] = [];
      for (let l = 0; l < c.starts.length; l++) {
        const rec = parse(c.data, c.text, c.starts[l]!, c.ends[l]!);
        if (rec === undefined) continue;
        if (opts.since !== undefined && rec.time < opts.since) continue;
        if (opts.until !== undefined && rec.time > opts.until) {
          if (batch.length > 0) yield batch;
          return;
        }
        batch.push(rec);
      }
      if (batch.length > 0) yield batch;
    }
  }
}

/**
 * The complete lines of a segment from `pos`, chunk by chunk. A final line without its newline
 * (a writer in the middle of a write) is left out.
 */
export async function* segmentLines(seg: LogSegment, pos: number): AsyncGenerator<LineChunk> {
  let rest: Buffer | undefined;
  let offset = pos;
  while (offset < seg.size) {
    // No bigger than what is left: a tail's few lines must not cost a 1 MiB buffer (and its GC).
    const want = Math.min(CHUNK, seg.size - offset);
    const buf = Buffer.allocUnsafe(want);
    const n = await seg.read(buf, want, offset);
    if (n <= 0) break;
    const base = offset - (rest?.length ?? 0);
    offset += n;
    const data = rest === undefined ? buf.subarray(0, n) : Buffer.concat([rest, buf.subarray(0, n)]);
    const text = data.toString('latin1');
    const starts: number[] = [];
    const ends: number[] = [];
    let from = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', from)) >= 0) {
      starts.push(from);
      ends.push(nl);
      from = nl + 1;
    }
    rest = from < data.length ? Buffer.from(data.subarray(from)) : undefined;
    if (starts.length > 0) yield { data, text, starts, ends, end: base + from };
  }
}

/** Where the last `n` records begin: a segment index and byte offset. */
async function tailStart(segs: LogSegment[], n: number): Promise<{ seg: number; pos: number }> {
  if (n === 0) return { seg: segs.length, pos: 0 };
  let newlines = 0;
  // Reads grow from 4 KiB (a short tail's lines) to 64 KiB (long tails, long lines).
  let buf = Buffer.allocUnsafe(4096);
  for (let s = segs.length - 1; s >= 0; s--) {
    const seg = segs[s]!;
    let pos = seg.size;
    while (pos > 0) {
      if (buf.length < 64 * 1024 && pos < seg.size) buf = Buffer.allocUnsafe(buf.length * 4);
      const len = Math.min(buf.length, pos);
      pos -= len;
      await seg.read(buf, len, pos);
      for (let i = len - 1; i >= 0; i--) {
        if (buf[i] !== 0x0a) continue;
        // The newline ending the segment's last line does not start a line.
        if (pos + i === seg.size - 1) continue;
        if (++newlines === n) return { seg: s, pos: pos + i + 1 };
      }
    }
    // The segment's first line starts at 0; it counts when an older segment precedes it.
    if (seg.size > 0 && s > 0 && ++newlines === n) return { seg: s, pos: 0 };
  }
  return { seg: 0, pos: 0 };
}

/** An open file as a segment of `size` bytes (the caller closes the handle through it). */
export function fileSegment(fh: FileHandle, size: number): LogSegment {
  return {
    size,
    read: async (buf, len, pos) => (await fh.read(buf, 0, Math.min(len, size - pos), pos)).bytesRead,
    close: () => fh.close(),
  };
}
