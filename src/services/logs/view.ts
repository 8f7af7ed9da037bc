import { createReadStream, createWriteStream } from 'node:fs';
import { open, readdir, rename, rm, truncate, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { isErrno } from '../../lib/errdefs.js';
import type { LogRecord } from '../../lib/logs/k8s-file.js';
import { openSegment, type LineParser, type LogSegment } from '../../lib/logs/reader.js';
import type { LogSettings } from './options.js';
import { mkdirp } from '../../lib/atomic-file.js';

/** How records are written to and read back from a view's files. */
export interface ViewFormat {
  /**
   * One record as a line of the file. `plain`: the record's chunk has no byte that needs more
   * than a copy (no `<>&`, nothing beyond ASCII), so encoders may skip their escaping checks and
   * a string's length is its size in bytes.
   */
  encode(rec: LogRecord, plain: boolean): string | Buffer;
  parse: LineParser;
}

/** Where the view's current file ends: the state the pump records after each write. */
export interface ViewPosition {
  ino: number;
  size: number;
}

/**
 * A driver's log files: the current one (`path`) and the rotated `path.1` … `path.N-1` (`.gz`
 * when compressed), rotated like Docker's: before a write, once the current file has reached
 * max-size. Only the pump writes (under its lock); readers take a snapshot of open files.
 */
export class LogView {
  private fh?: FileHandle;
  private pos: ViewPosition = { ino: 0, size: 0 };
  /** The compression of the last rotated file, awaited before the next rotation. */
  private compressing: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly settings: LogSettings,
    readonly format: ViewFormat,
  ) {}

  /**
   * Opens the current file and cuts off what a crash left after the last recorded position:
   * the same file is truncated to the recorded size; a different one (a rotation after the
   * last record) holds nothing recorded and is emptied.
   */
  async open(recorded: ViewPosition | undefined): Promise<void> {
    await mkdirp(dirname(this.path));
    this.fh = await open(this.path, 'a+', 0o640);
    const st = await this.fh.stat();
    const keep = recorded !== undefined && recorded.ino === st.ino ? Math.min(recorded.size, st.size) : 0;
    if (keep < st.size) await this.fh.truncate(keep);
    this.pos = { ino: st.ino, size: keep };
    if (this.settings.compress) this.compressing = this.compressLeftovers().catch(() => undefined);
  }

  position(): ViewPosition {
    return { ...this.pos };
  }

  /** Whether the current file must be rotated before `pending` more bytes are written to it. */
  full(pending: number): boolean {
    const max = this.settings.maxSize;
    return max !== undefined && this.pos.size + pending >= max && this.pos.size + pending > 0;
  }

  async append(chunks: Array<string | Buffer>): Promise<void> {
    if (chunks.length === 0) return;
    this.fh ??= await open(this.path, 'a', 0o640);
    const data = chunks.every((c) => typeof c === 'string')
      ? Buffer.from(chunks.join(''))
      : Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
    // All or nothing: a write cut short (a full disk) is taken back, so the file ends at a
    // record boundary that matches the recorded position and the next attempt starts there.
    try {
      for (let off = 0; off < data.length;) off += (await this.fh.write(data, off, data.length - off)).bytesWritten;
    } catch (err) {
      await this.fh.truncate(this.pos.size).catch(() => undefined);
      throw err;
    }
    this.pos.size += data.length;
  }

  /** Shifts `.1` … to `.2` …, drops the oldest, starts a new current file (max-file 1: truncates). */
  async rotate(): Promise<void> {
    const n = this.settings.maxFile;
    if (n < 2) {
      await truncate(this.path, 0);
      this.pos.size = 0;
      return;
    }
    await this.compressing;
    const existing = await this.rotatedFiles();
    for (const f of existing.filter((r) => r.index >= n - 1)) await rm(f.path, { force: true });
    for (const f of existing.filter((r) => r.index < n - 1).sort((a, b) => b.index - a.index)) {
      await renameIfExists(f.path, `${this.path}.${f.index + 1}${f.path.endsWith('.gz') ? '.gz' : ''}`);
    }
    await rename(this.path, `${this.path}.1`);
    await this.fh?.close();
    this.fh = await open(this.path, 'a+', 0o640);
    this.pos = { ino: (await this.fh.stat()).ino, size: 0 };
    if (this.settings.compress) this.compressing = compressFile(`${this.path}.1`).catch(() => undefined); // the plain file stays readable
  }

  /**
   * The files as they are now, oldest first, opened (so later rotations change nothing for the
   * reader); the current one is read only up to what has been recorded.
   */
  async snapshot(): Promise<LogSegment[]> {
    const segs: LogSegment[] = [];
    const rotated = new Set((await this.rotatedFiles()).map((f) => f.index));
    for (let i = this.settings.maxFile - 1; i >= 1; i--) {
      if (!rotated.has(i)) continue;
      // compressFile writes `.gz` before it removes the plain file: one of them is always there.
      const seg = (await openSegment(`${this.path}.${i}`)) ?? (await openSegment(`${this.path}.${i}.gz`));
      if (seg !== undefined) segs.push(seg);
    }
    const current = await openSegment(this.path, this.pos.size);
    if (current !== undefined) segs.push(current);
    return segs;
  }

  /** Closes the current file until the next write (a stopped container holds no descriptor). */
  async release(): Promise<void> {
    await this.fh?.close();
    this.fh = undefined;
  }

  async close(): Promise<void> {
    await this.compressing;
    await this.fh?.close();
    this.fh = undefined;
  }

  /** The rotated files there are (`.N` and `.N.gz`), by index. */
  private async rotatedFiles(): Promise<Array<{ index: number; path: string }>> {
    const prefix = `${basename(this.path)}.`;
    const out: Array<{ index: number; path: string }> = [];
    for (const f of await readdir(dirname(this.path))) {
      const m = f.startsWith(prefix) ? /^(\d+)(\.gz)?$/.exec(f.slice(prefix.length)) : null;
      if (m !== null) out.push({ index: Number(m[1]), path: join(dirname(this.path), f) });
    }
    return out;
  }

  /** Rotated files a crash left uncompressed. */
  private async compressLeftovers(): Promise<void> {
    for (const f of await this.rotatedFiles()) if (!f.path.endsWith('.gz')) await compressFile(f.path);
  }
}

/** `f` → `f.gz` (written beside it, renamed into place, then `f` removed), as Docker compresses rotated files. */
async function compressFile(path: string): Promise<void> {
  const tmp = `${path}.gz.tmp`;
  try {
    await pipeline(createReadStream(path), createGzip(), createWriteStream(tmp, { mode: 0o640 }));
    await rename(tmp, `${path}.gz`);
  } catch (err) {
    await rm(tmp, { force: true }); // the plain file stays, compressed at a later start
    throw err;
  }
  await rm(path, { force: true });
}

async function renameIfExists(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
  }
}
