import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerRecord } from '../../core/containers.js';
import { invalidArgument, notFound, notImplemented } from '../../lib/errdefs.js';
import { encodeAttrs, encodeJsonLine, parseJsonLine } from '../../lib/logs/json-file.js';
import { formatLogLine, parseLogLine, type LogRecord } from '../../lib/logs/k8s-file.js';
import { readSegments, type LogSegment, type RangeOptions } from '../../lib/logs/reader.js';
import { CLIENT_BACKLOG_MAX } from '../../lib/client-backlog.js';
import { logAttrs } from './attrs.js';
import { logSettings, resolveLogConfig, type LogConfig } from './options.js';
import { Deliveries, type DeliveryReader } from './delivery.js';
import { LogPump } from './pump.js';
import { LogView, type ViewFormat } from './view.js';

/** How long an exit waits for live readers to write the last output to their clients (dockerd's StreamConfig.Wait bound). */
export const EXIT_DELIVERY_MS = 2000;

export interface LogServiceOptions {
  /** The daemon's default (daemon.json `log-driver` / `log-opts`). */
  defaults: LogConfig;
  /** Asks a container's conmon to reopen its log file. */
  reopen(id: string): Promise<void>;
  /** Whether a container runs now (its conmon writes the capture). */
  running(id: string): boolean;
  /** Whether a container still exists (a late call for a removed one must not recreate its files). */
  known(id: string): boolean;
  log(msg: string): void;
  /** Trim a capture once this much of it has been converted (default 8 MiB). */
  trimAt?: number;
  /** journald's socket; its absence makes the journald driver refuse. */
  journaldSocket?: string;
}

export interface ReadOptions extends RangeOptions {
  follow?: boolean;
  /** Resolves once the container has exited and its last output was converted; ends a follow. */
  done?: Promise<void>;
  /** Ends a follow (the client went away). */
  signal?: AbortSignal;
}

/** conmon's k8s-file for a container: what every driver is fed from (an external one, e.g. the kubelet's, where the record names it). */
export const capturePath = (rec: Pick<ContainerRecord, 'Paths'>): string => rec.Paths.ExternalLog ?? join(rec.Paths.Bundle, 'container.log');

/**
 * Container logs: validates log configs at create, runs one pump per container that has output
 * to move (capture → driver files and live readers), and serves reads (`logs`, attach, build).
 */
export class LogService {
  private readonly pumps = new Map<string, LogPump>();
  /** Per container, what its live readers hold (only while some follow it). */
  private readonly deliveries = new Map<string, Deliveries>();

  constructor(private readonly o: LogServiceOptions) {}

  get defaults(): LogConfig {
    return this.o.defaults;
  }

  /** A create's LogConfig with the daemon's default applied; Docker's 400s for bad ones. */
  async resolve(given: LogConfig | undefined): Promise<LogConfig> {
    const cfg = resolveLogConfig(given, this.o.defaults);
    if (cfg.Type === 'journald') {
      const sock = this.o.journaldSocket ?? '/run/systemd/journal/socket';
      if (
        !(await access(sock).then(
          () => true,
          () => false,
        ))
      ) {
        throw invalidArgument('failed to initialize logging driver: journald is not enabled on this host');
      }
    }
    return cfg;
  }

  /** Whether the container's driver keeps logs that can be read back (`none` does not). */
  readable(rec: ContainerRecord): boolean {
    return (rec.HostConfig.LogConfig?.Type ?? 'json-file') !== 'none';
  }

  /** What inspect shows as LogPath: the json-file's file, empty for other drivers (as Docker). */
  logPath(rec: { Id: string; Paths: { Bundle: string } }, cfg: LogConfig): string {
    return cfg.Type === 'json-file' ? viewPath(rec, 'json-file') : '';
  }

  /** The container runs: convert its output as it comes. */
  started(rec: ContainerRecord): void {
    this.pump(rec).follow();
  }

  /**
   * The container has exited: convert what is left. Resolves when all of it is readable and the
   * live readers (attach, `logs -f`) have written it to their clients (bounded by EXIT_DELIVERY_MS):
   * the exit is announced after this, and clients that stop at `wait` must have the output by then.
   */
  async exited(rec: ContainerRecord): Promise<void> {
    if (!this.o.known(rec.Id)) return;
    await this.pump(rec).finish();
    await this.deliveries.get(rec.Id)?.flushed(EXIT_DELIVERY_MS);
  }

  /** The container is being removed: stop its pump. */
  async removed(id: string): Promise<void> {
    const p = this.pumps.get(id);
    this.pumps.delete(id);
    this.deliveries.delete(id);
    await p?.close();
  }

  /** At start-up: follow running containers, catch up on what the others wrote while berthd was down. */
  recover(records: ContainerRecord[]): void {
    for (const rec of records) {
      if (this.o.running(rec.Id)) this.started(rec);
      else
        void this.pump(rec)
          .settle()
          .catch((err: Error) => this.o.log(`logs of ${rec.Id}: ${err.message}`));
    }
  }

  /**
   * A container's records, in batches: what its driver has kept (within `tail`/`since`/`until`),
   * then with `follow` new records as they come until `done` or `signal`. No record is missed or
   * repeated between the two parts: the files are opened and the live subscription made while
   * the pump is held. A driver that keeps nothing can still be followed from now (`tail: 0`: attach).
   */
  async *read(rec: ContainerRecord, opts: ReadOptions): AsyncGenerator<LogRecord[]> {
    yield* await this.open(rec, opts);
  }

  /**
   * `read`, with the files opened and the live subscription made before it resolves: a caller
   * that must not miss output (attach answers the client, which then starts the container) opens
   * first and answers after.
   */
  async open(rec: ContainerRecord, opts: ReadOptions): Promise<AsyncGenerator<LogRecord[]>> {
    const pump = this.pump(rec);
    const liveOnly = opts.follow === true && opts.tail === 0;
    if (pump.view === undefined && !liveOnly) throw notImplemented('configured logging driver does not support reading');
    const live: LogRecord[][] = [];
    /** Bytes in `live`; past CLIENT_BACKLOG_MAX the reader is `behind` and its follow ends. */
    let backlog = 0;
    let behind = false;
    let wake: (() => void) | undefined;
    let unsubscribe: (() => void) | undefined;
    let open: LogRecord[] = [];
    let reader: DeliveryReader | undefined;
    const segs: LogSegment[] = await pump.exclusive(async () => {
      await pump.drain();
      // A line still being written is not logged yet (Docker's copier holds it too): only a
      // following reader gets its start, which it would otherwise miss from the live records.
      open = liveOnly || !opts.follow ? [] : pump.openRecords();
      const files = liveOnly || pump.view === undefined ? [] : await pump.view.snapshot();
      if (opts.follow) {
        reader = this.reader(rec.Id);
        unsubscribe = pump.subscribe((b) => {
          if (behind) return;
          backlog += batchBytes(b);
          live.push(b);
          reader?.queued();
          if (backlog > CLIENT_BACKLOG_MAX) {
            // The reader has stopped taking records: let go of them and end its follow.
            behind = true;
            reader?.handed(live.length);
            live.length = 0;
            unsubscribe?.();
            this.o.log(`logs of ${rec.Id.slice(0, 12)}: a reader fell ${CLIENT_BACKLOG_MAX} bytes behind; its stream was ended`);
          }
          wake?.();
        });
      }
      return files;
    });
    return (async function* (): AsyncGenerator<LogRecord[]> {
      try {
        for await (const batch of readSegments(segs, pump.view?.format.parse ?? parseLogLine, opts)) yield batch;
        // The start of a line still being written: live readers got it already, the view not yet.
        const { records, past } = inRange(open, opts);
        if (records.length > 0) yield records;
        if (!opts.follow || past) return;
        let finished = false;
        let drained = false;
        void opts.done?.then(() => {
          finished = true;
          wake?.();
        });
        const abort = (): void => wake?.();
        opts.signal?.addEventListener('abort', abort);
        try {
          for (;;) {
            while (live.length > 0) {
              const batch = live.shift()!;
              backlog -= batchBytes(batch);
              const { records, past } = inRange(batch, opts);
              // The consumer asks for the next batch once it has written this one to its client.
              if (records.length > 0) yield records;
              reader?.handed();
              if (past) return;
            }
            if (behind || opts.signal?.aborted) return;
            if (finished) {
              // The container has exited: what conmon wrote last may not have been pumped yet
              // (inotify is late under load). Convert it now; the listener queues it in `live`.
              if (drained) return;
              drained = true;
              await pump.sync();
              continue;
            }
            await new Promise<void>((r) => (wake = r));
            wake = undefined;
          }
        } finally {
          opts.signal?.removeEventListener('abort', abort);
        }
      } finally {
        unsubscribe?.();
        reader?.close();
        await Promise.all(segs.map((s) => s.close()));
      }
    })();
  }

  /** A live reader of a container, counted until its stream ends. */
  private reader(id: string): DeliveryReader {
    let d = this.deliveries.get(id);
    if (d === undefined) {
      const made = new Deliveries(() => this.deliveries.get(id) === made && this.deliveries.delete(id));
      this.deliveries.set(id, (d = made));
    }
    return d.add();
  }

  private pump(rec: ContainerRecord): LogPump {
    let p = this.pumps.get(rec.Id);
    if (p !== undefined) return p;
    if (!this.o.known(rec.Id)) throw notFound(`No such container: ${rec.Id}`);
    const cfg = rec.HostConfig.LogConfig ?? { Type: 'json-file', Config: {} };
    const settings = logSettings(cfg);
    const format = settings.driver === 'json-file' ? jsonFormat(encodeAttrs(logAttrs(rec, cfg))) : LOCAL_FORMAT;
    // journald's read cache is bounded like Docker's dual-logging cache (20 MiB a file).
    const viewSettings = settings.driver === 'journald' ? { ...settings, maxSize: 20 << 20, maxFile: 2 } : settings;
    const view = settings.driver === 'none' ? undefined : new LogView(viewPath(rec, settings.driver), viewSettings, format);
    p = new LogPump({
      capture: capturePath(rec),
      statePath: join(rec.Paths.Bundle, 'log-state.json'),
      view,
      reopen: () => this.o.reopen(rec.Id),
      running: () => this.o.running(rec.Id),
      log: this.o.log,
      // An external capture is its owner's to rotate (the kubelet renames it and asks for a reopen).
      ...(rec.Paths.ExternalLog ? { trimAt: Infinity } : this.o.trimAt ? { trimAt: this.o.trimAt } : {}),
    });
    this.pumps.set(rec.Id, p);
    return p;
  }
}

/** Docker's places: `<id>-json.log`; `local-logs/container.log`; journald's read cache. */
function viewPath(rec: { Id: string; Paths: { Bundle: string } }, driver: string): string {
  if (driver === 'json-file') return join(rec.Paths.Bundle, `${rec.Id}-json.log`);
  if (driver === 'journald') return join(rec.Paths.Bundle, 'container-cached-logs', 'container.log');
  return join(rec.Paths.Bundle, 'local-logs', 'container.log');
}

function jsonFormat(attrs: string): ViewFormat {
  return { encode: (rec, plain) => encodeJsonLine(rec, attrs, plain), parse: parseJsonLine };
}

/**
 * `local` (and journald's read cache): berth's compact format is the capture's line format
 * (`<RFC3339Nano> <stream> <F|P> <payload>`); Docker's is protobuf frames.
 */
const LOCAL_FORMAT: ViewFormat = { encode: formatLogLine, parse: parseLogLine };

function batchBytes(batch: LogRecord[]): number {
  let n = 0;
  for (const r of batch) n += r.data.length;
  return n;
}

/** Live records within since/until; `past` once a record is after `until` (the follow ends). */
function inRange(batch: LogRecord[], opts: RangeOptions): { records: LogRecord[]; past: boolean } {
  if (opts.since === undefined && opts.until === undefined) return { records: batch, past: false };
  const records: LogRecord[] = [];
  for (const r of batch) {
    if (opts.until !== undefined && r.time > opts.until) return { records, past: true };
    if (opts.since === undefined || r.time >= opts.since) records.push(r);
  }
  return { records, past: false };
}
