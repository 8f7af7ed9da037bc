import { watch, type FSWatcher } from 'node:fs';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { isDiskFull, isErrno, messageOf } from '../../lib/errdefs.js';
import { replaceFile } from '../../lib/atomic-file.js';
import { LINE_MAX, parseLogLine, type LogRecord } from '../../lib/logs/k8s-file.js';
import { fileSegment, segmentLines, type LineChunk } from '../../lib/logs/reader.js';
import type { LogView, ViewPosition } from './view.js';

export interface PumpOptions {
  /** conmon's k8s-file: the durable capture of the container's output. */
  capture: string;
  /** Where the pump records how far it has got (the capture's and the view's positions). */
  statePath: string;
  /** The driver's files; none for `none`. */
  view?: LogView;
  /** Asks the container's conmon to reopen its log file (rejects when conmon is gone). */
  reopen(): Promise<void>;
  /** Whether the container (and so its conmon) runs. */
  running(): boolean;
  /** Trim the capture once this much of it has been converted (default TRIM_AT). */
  trimAt?: number;
  log(msg: string): void;
}

interface PumpState {
  /** Where conversion resumes: a line's offset, and how much of that line's payload is in the view already. */
  capture: { ino: number; offset: number; skip?: number };
  /**
   * The start of a line left open when a trimmed capture was removed (< 16 KiB, base64): it is in
   * no file any more, so it is kept here until its line ends or a 16 KiB piece is cut from it.
   */
  carry?: { time: string; stream: LogRecord['stream']; data: string };
  view?: ViewPosition;
}

/** Once this much of the capture has been converted, it is handed over to a fresh file. */
export const TRIM_AT = 8 << 20;
// inotify wakes the pump; the poll only covers a lost event (queue overflow).
const POLL_MS = 5000;

/**
 * Moves a container's output from conmon's capture into its driver's view and to live readers.
 * The capture is the durable copy: conmon keeps writing it while berthd is down, and the pump
 * resumes from its recorded offset. After each write to the view the pump records both
 * positions atomically, so a crash at any point neither loses nor repeats a record (the view's
 * unrecorded tail is cut off at start). Converted capture is trimmed by renaming the file to
 * `<capture>.rotated` and asking conmon to reopen its log path; the rotated file is read to its
 * end and removed once conmon has moved to the new file.
 */
export class LogPump {
  private queue: Promise<unknown> = Promise.resolve();
  private state?: PumpState;
  private readonly listeners = new Set<(batch: LogRecord[]) => void>();
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private scheduled = false;
  private again = false;
  private reopenSent = false;
  /** A run of partial records of one stream whose line has not ended yet. */
  private held?: Held;
  private savedState = '';
  /** The held run as the last drain left it: the start of a line not in the view yet. */
  private openLine: LogRecord[] = [];
  /** Where this conversion resumed: the first `bytes` of the record at `offset` are in the view already. */
  private resume = { offset: 0, bytes: 0 };
  /** How far the last conversion read its file (the end of its last complete line). */
  private readTo = 0;
  /** Capture records before this point were handed to live readers already (they get each once). */
  private live = { ino: 0, offset: 0 };
  /** The last conversion stopped at a full disk. */
  private diskFull = false;

  constructor(private readonly o: PumpOptions) {}

  get view(): LogView | undefined {
    return this.o.view;
  }

  /** Runs `fn` with the log to itself (no conversion runs meanwhile). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Converts everything the capture holds now. */
  sync(): Promise<void> {
    return this.exclusive(() => this.drain());
  }

  /**
   * Converts everything the capture holds now; only inside `exclusive`. On a full disk the
   * conversion pauses (reported once): the view keeps what it has, readers are served from it,
   * and the next drain (inotify, the poll) carries on from the same record once space is freed.
   */
  async drain(): Promise<void> {
    try {
      await this.drainCapture();
    } catch (err) {
      if (!isDiskFull(err)) throw err;
      if (!this.diskFull) this.o.log(`logs of ${this.o.capture}: ${messageOf(err)}: not converted until space is freed`);
      this.diskFull = true;
      return;
    }
    if (this.diskFull) this.o.log(`logs of ${this.o.capture}: converting again`);
    this.diskFull = false;
  }

  /**
   * The records of a line still being written (conmon's partial records): not in the view until
   * the line ends, already seen by live readers. Read with the view's snapshot, under `exclusive`.
   */
  openRecords(): LogRecord[] {
    return this.openLine;
  }

  /**
   * Live records as the capture has them (partial ones as they come, so a prompt without a
   * newline reaches an attached client at once); returns the unsubscribe function.
   */
  subscribe(fn: (batch: LogRecord[]) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Converts continuously (on every change of the capture, and on a slow poll) until stopped. */
  follow(): void {
    if (this.timer !== undefined) return;
    const dir = dirname(this.o.capture);
    const name = basename(this.o.capture);
    try {
      this.watcher = watch(dir, (_ev, file) => {
        if (file === null || file.toString().startsWith(name)) this.schedule();
      });
      this.watcher.on('error', () => undefined);
    } catch (err) {
      this.o.log(`log watch of ${dir}: ${(err as Error).message}`);
    }
    this.timer = setInterval(() => this.schedule(), POLL_MS);
    this.timer.unref();
    this.schedule();
  }

  /** Stops following, then converts what is left (the container has exited). */
  async finish(): Promise<void> {
    this.stop();
    await this.settle();
  }

  /** Converts what the capture holds and lets go of the view's file until the next write. */
  settle(): Promise<void> {
    return this.exclusive(async () => {
      await this.drain();
      await this.o.view?.release();
    });
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = undefined;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async close(): Promise<void> {
    this.stop();
    await this.exclusive(async () => this.o.view?.close());
  }

  private schedule(): void {
    if (this.scheduled) {
      this.again = true;
      return;
    }
    this.scheduled = true;
    void this.sync()
      .catch((err: Error) => this.o.log(`logs of ${this.o.capture}: ${err.message}`))
      .finally(() => {
        this.scheduled = false;
        if (this.again) {
          this.again = false;
          this.schedule();
        }
      });
  }

  private async load(): Promise<PumpState> {
    let state: PumpState = { capture: { ino: 0, offset: 0 } };
    try {
      state = JSON.parse(await readFile(this.o.statePath, 'utf8')) as PumpState;
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) this.o.log(`${this.o.statePath}: ${(err as Error).message}; converting the capture from its start`);
    }
    await this.o.view?.open(state.view);
    if (this.o.view) state.view = this.o.view.position();
    return state;
  }

  private async save(): Promise<void> {
    if (this.o.view) this.state!.view = this.o.view.position();
    // Rewritten after every conversion of a running container: atomic, not fsynced (the view it
    // describes is not fsynced either; Docker's json-file never is).
    const text = JSON.stringify(this.state);
    if (text === this.savedState) return;
    await replaceFile(this.o.statePath, text);
    this.savedState = text;
  }

  private async drainCapture(): Promise<void> {
    this.state ??= await this.load();
    const state = this.state;
    const rotated = `${this.o.capture}.rotated`;
    for (;;) {
      if (await exists(rotated)) {
        // Complete once conmon has moved to the new file (or has gone): nothing more is written to it.
        const moved = await exists(this.o.capture);
        const complete = !this.o.running() || moved;
        // A line open at its end is final only when no new file continues it.
        const size = await this.convertFile(rotated, complete && !moved);
        if (!complete) {
          // conmon has not reopened yet (or berthd went down before asking it): ask once.
          if (!this.reopenSent) await this.requestReopen();
          return;
        }
        // A line still open goes on in the new file: its start moves into the state, then the file goes.
        const open = this.openLine;
        if (open.length > 0) {
          state.carry = { time: open[0]!.time, stream: open[0]!.stream, data: Buffer.concat(open.map((r) => r.data)).toString('base64') };
          state.capture = { ino: state.capture.ino, offset: size ?? 0 };
          await this.save();
        }
        await rm(rotated, { force: true });
        state.capture = { ino: 0, offset: 0 };
        await this.save();
        continue;
      }
      const size = await this.convertFile(this.o.capture, !this.o.running());
      if (size === undefined) return; // no capture yet
      // Trimmed once converted to its end; a line still open there is carried over to the new file.
      if (this.o.running() && this.readTo >= (this.o.trimAt ?? TRIM_AT) && this.readTo === size) {
        await rename(this.o.capture, rotated);
        await this.requestReopen();
        continue;
      }
      return;
    }
  }

  private async requestReopen(): Promise<void> {
    this.reopenSent = true;
    await this.o.reopen().catch(() => undefined); // conmon gone: the container has exited
  }

  /**
   * Converts `path` from the recorded offset to its end; its size, or undefined when it does not
   * exist. A run of partial records at the end waits for the rest of its line unless `final`.
   */
  private async convertFile(path: string, final: boolean): Promise<number | undefined> {
    const state = this.state!;
    let fh;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
    try {
      const st = await fh.stat();
      if (st.ino !== state.capture.ino || st.size < state.capture.offset) {
        state.capture = { ino: st.ino, offset: 0 };
        this.reopenSent = false;
      }
      if (this.live.ino !== st.ino) this.live = { ino: st.ino, offset: state.capture.offset };
      const carry = state.carry;
      this.held = carry && {
        recs: [{ time: carry.time, stream: carry.stream, partial: true, data: Buffer.from(carry.data, 'base64') }],
        from: state.capture.offset,
        skip: state.capture.skip ?? 0,
        size: 0,
        carried: true,
      };
      if (this.held) this.held.size = this.held.recs[0]!.data.length;
      this.resume = { offset: state.capture.offset, bytes: state.capture.skip ?? 0 };
      let pos = state.capture.offset;
      let saved = pos;
      for await (const chunk of segmentLines(fileSegment(fh, st.size), pos)) {
        const fresh: LogRecord[] = [];
        await this.write(this.join(chunk, pos, fresh), !NOT_PLAIN.test(chunk.text));
        if (fresh.length > 0) for (const fn of this.listeners) fn(fresh);
        pos = chunk.end;
        this.live.offset = Math.max(this.live.offset, pos);
        // A held run is read again next time (the state never points past an unwritten record).
        this.resumeAt((this.held as Held | undefined) ?? { from: pos, skip: 0 });
        if (pos - saved >= SAVE_EVERY) {
          await this.save();
          saved = pos;
        }
      }
      // Saved at the end of a file and at rotations; between them a crash only means converting
      // again what the view's truncation at start-up cuts off.
      await this.save();
      if (final && this.held !== undefined) {
        await this.write(this.release());
        this.resumeAt({ from: pos, skip: 0 });
        await this.save();
      }
      this.readTo = pos;
      this.openLine = (this.held as Held | undefined)?.recs ?? [];
      this.held = undefined;
      return st.size;
    } finally {
      await fh.close();
    }
  }

  /**
   * Parses capture lines into the records to write, joining conmon's partial records (cut at its
   * read boundaries) into lines as Docker's copier does: a line longer than 16 KiB goes out as
   * 16 KiB partial records, then the rest with the newline, so no record is ever larger.
   */
  private join(chunk: LineChunk, start: number, fresh: LogRecord[]): Outgoing[] {
    const outs: Outgoing[] = [];
    for (let l = 0; l < chunk.starts.length; l++) {
      // Chunks start at the state's offset, so a line's capture offset is the chunk's plus its own.
      const from = start + chunk.starts[l]!;
      let rec = parseLogLine(chunk.data, chunk.text, chunk.starts[l]!, chunk.ends[l]!);
      if (rec === undefined) continue;
      if (from >= this.live.offset) fresh.push(rec);
      let skip = 0;
      if (from === this.resume.offset && this.resume.bytes > 0) {
        // The start of this record went to the view before (a piece cut from its line).
        skip = this.resume.bytes;
        rec = { ...rec, data: rec.data.subarray(skip) };
        this.resume.bytes = 0;
      }
      if (this.held !== undefined && this.held.recs[0]!.stream !== rec.stream) outs.push(...this.release());
      const payload = rec.data.length - (rec.partial ? 0 : 1);
      if (this.held === undefined && !rec.partial && payload <= LINE_MAX) {
        outs.push({ rec, from, skip });
        continue;
      }
      let h = (this.held ??= { recs: [], from, skip, size: 0 });
      h.recs.push(rec);
      h.size += rec.data.length;
      // The held run was shorter than LINE_MAX before this record, so every cut falls in it and
      // what is left of it is a suffix of it: held from its line, `skip` bytes in.
      while (rec.partial ? h.size >= LINE_MAX : h.size - 1 > LINE_MAX) {
        const all = h.recs.length === 1 ? h.recs[0]!.data : Buffer.concat(h.recs.map((r) => r.data));
        outs.push({ rec: { ...h.recs[0]!, partial: true, data: all.subarray(0, LINE_MAX) }, from: h.from, skip: h.skip, carried: h.carried });
        const rest = all.subarray(LINE_MAX);
        h = this.held = { recs: [{ ...rec, data: rest }], from, skip: skip + rec.data.length - rest.length, size: rest.length };
      }
      if (rec.partial) {
        if (h.size === 0) this.held = undefined;
        continue;
      }
      this.held = undefined;
      outs.push({
        rec: { ...rec, time: h.recs[0]!.time, data: h.recs.length === 1 ? h.recs[0]!.data : Buffer.concat(h.recs.map((r) => r.data)) },
        from: h.from,
        skip: h.skip,
        carried: h.carried,
      });
    }
    return outs;
  }

  /** Conversion resumes at `from` (a line), `skip` bytes into its payload, after the carry if it is still held. */
  private resumeAt(at: { from: number; skip: number; carried?: boolean }): void {
    const state = this.state!;
    state.capture.offset = at.from;
    if (at.skip > 0) state.capture.skip = at.skip;
    else delete state.capture.skip;
    if (!at.carried) delete state.carry;
  }

  /** The held partial records as one partial record. */
  private release(): Outgoing[] {
    const h = this.held;
    this.held = undefined;
    if (h === undefined) return [];
    const first = h.recs[0]!;
    return [
      { rec: { ...first, data: h.recs.length === 1 ? first.data : Buffer.concat(h.recs.map((r) => r.data)) }, from: h.from, skip: h.skip, carried: h.carried },
    ];
  }

  /** Writes records to the view (rotating at record boundaries) and hands them to live readers. */
  private async write(outs: Outgoing[], plain = false): Promise<void> {
    const view = this.o.view;
    let out: Array<string | Buffer> = [];
    let pending = 0;
    for (const o of outs) {
      if (view?.full(pending)) {
        // Rotate at a record boundary, with the state recorded on both sides of it.
        await view.append(out);
        out = [];
        pending = 0;
        this.resumeAt(o);
        await this.save();
        await view.rotate();
        await this.save();
      }
      if (view) {
        const enc = view.format.encode(o.rec, plain);
        out.push(enc);
        pending += typeof enc === 'string' && !plain ? Buffer.byteLength(enc) : enc.length;
      }
    }
    await view?.append(out);
  }
}

/** A run of records of one line not written yet; its first byte is `skip` bytes into the line at `from`. */
interface Held {
  recs: LogRecord[];
  from: number;
  skip: number;
  size: number;
  /** Starts with the state's carry (the part of the line from a removed capture). */
  carried?: boolean;
}

/** A record to write, and where its first byte is in the capture (a line, and bytes into it). */
interface Outgoing {
  rec: LogRecord;
  from: number;
  skip: number;
  carried?: boolean;
}

/** Bytes that make a chunk not plain (see ViewFormat.encode). */
const NOT_PLAIN = /[<>&\x80-\xff]/;
/** Converted capture bytes between two state writes (besides those at rotations and file ends). */
const SAVE_EVERY = 16 << 20;

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
