import { watch, type FSWatcher } from 'node:fs';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { isErrno } from '../../core/errdefs.js';
import { writeFileAtomic } from '../../lib/atomic-file.js';
import { parseLogLine, type LogRecord } from '../../lib/logs/k8s-file.js';
import { fileSegment, segmentLines } from '../../lib/logs/reader.js';
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
  log(msg: string): void;
}

interface PumpState {
  capture: { ino: number; offset: number };
  view?: ViewPosition;
}

/** Once this much of the capture has been converted, it is handed over to a fresh file. */
export const TRIM_AT = 8 << 20;
const POLL_MS = 1000;

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

  /** Converts everything the capture holds now; only inside `exclusive`. */
  drain(): Promise<void> {
    return this.drainCapture();
  }

  /** Live records, as they are converted; returns the unsubscribe function. */
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
    await this.sync();
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
    await writeFileAtomic(this.o.statePath, JSON.stringify(this.state));
  }

  private async drainCapture(): Promise<void> {
    this.state ??= await this.load();
    const state = this.state;
    const rotated = `${this.o.capture}.rotated`;
    for (;;) {
      const fromRotated = await exists(rotated);
      const src = fromRotated ? rotated : this.o.capture;
      const size = await this.convertFile(src);
      if (size === undefined) return; // no capture yet
      if (fromRotated) {
        const captureBack = await exists(this.o.capture);
        if (this.o.running() && !captureBack) {
          // conmon has not reopened yet (or berthd went down before asking it): ask once.
          if (!this.reopenSent) await this.requestReopen();
          return;
        }
        // conmon writes only the new file now (or has gone): the rotated one ends where it ends.
        if ((await stat(rotated)).size > size) continue;
        await rm(rotated, { force: true });
        state.capture = { ino: 0, offset: 0 };
        await this.save();
        continue;
      }
      if (this.o.running() && state.capture.offset >= TRIM_AT && state.capture.offset === size) {
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

  /** Converts `path` from the recorded offset to its end; its size, or undefined when it does not exist. */
  private async convertFile(path: string): Promise<number | undefined> {
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
      for await (const chunk of segmentLines(fileSegment(fh, st.size), state.capture.offset)) {
        await this.convert(chunk.lines);
        state.capture.offset = chunk.end;
        await this.save();
      }
      return st.size;
    } finally {
      await fh.close();
    }
  }

  private async convert(lines: Buffer[]): Promise<void> {
    const view = this.o.view;
    const state = this.state!;
    let offset = state.capture.offset;
    let out: Buffer[] = [];
    let pending = 0;
    const batch: LogRecord[] = [];
    for (const line of lines) {
      const rec = parseLogLine(line);
      if (rec !== undefined) {
        if (view?.full(pending)) {
          // Rotate at a record boundary, with the state recorded on both sides of it.
          await view.append(out);
          out = [];
          pending = 0;
          state.capture.offset = offset;
          await this.save();
          await view.rotate();
          await this.save();
        }
        if (view) {
          const enc = view.format.encode(rec, line);
          out.push(enc);
          pending += enc.length;
        }
        batch.push(rec);
      }
      offset += line.length + 1;
    }
    await view?.append(out);
    if (batch.length > 0) for (const fn of this.listeners) fn(batch);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
