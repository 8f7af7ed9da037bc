import { sha256 } from '../lib/digest.js';

/** A protobuf Timestamp. */
export interface Timestamp {
  seconds: number;
  nanos: number;
}

export interface VertexMsg {
  digest: string;
  inputs: string[];
  name: string;
  cached: boolean;
  started: Timestamp | null;
  completed: Timestamp | null;
  error: string;
}

export interface StatusMsg {
  ID: string;
  vertex: string;
  name: string;
  current: number;
  total: number;
  timestamp: Timestamp;
  started: Timestamp | null;
  completed: Timestamp | null;
}

export interface LogMsg {
  vertex: string;
  timestamp: Timestamp;
  stream: number;
  msg: Buffer;
}

/** One `StatusResponse` of Control.Status. */
export interface StatusResponse {
  vertexes: VertexMsg[];
  statuses: StatusMsg[];
  logs: LogMsg[];
}

export const timestamp = (d = new Date()): Timestamp => ({ seconds: Math.floor(d.getTime() / 1000), nanos: (d.getTime() % 1000) * 1e6 });

/** A step of the build as the client's progress shows it (`#3 [2/4] RUN make`). */
export interface Vertex {
  readonly digest: string;
  log(text: string | Buffer, stream?: 1 | 2): void;
  /** A progress line under the vertex (`transferring context: 2.1kB done`); `done` completes it. */
  status(id: string, current: number, total: number, done: boolean): void;
  complete(opts?: { cached?: boolean; error?: string }): void;
}

type Listener = (r: StatusResponse | undefined) => void;

/**
 * The progress of one build (keyed by the client's build ref): vertexes, statuses and logs as
 * Control.Status streams them. Everything is kept until the build ends, so a Status call that
 * arrives late (clients open it beside Solve) still sees the whole build.
 */
export class BuildProgress {
  private readonly history: StatusResponse[] = [];
  private readonly listeners = new Set<Listener>();
  private finished = false;
  private count = 0;

  constructor(readonly ref: string) {}

  private emit(r: StatusResponse): void {
    if (this.finished) return;
    this.history.push(r);
    for (const l of this.listeners) l(r);
  }

  vertex(name: string, opts: { cached?: boolean } = {}): Vertex {
    const digest = sha256(`${this.ref}\n${this.count++}\n${name}`);
    const started = timestamp();
    const base: VertexMsg = { digest, inputs: [], name, cached: opts.cached ?? false, started, completed: null, error: '' };
    this.emit({ vertexes: [base], statuses: [], logs: [] });
    const statusStarted = new Map<string, Timestamp>();
    let done = false;
    return {
      digest,
      log: (text, stream = 1) => {
        if (text.length === 0) return;
        this.emit({ vertexes: [], statuses: [], logs: [{ vertex: digest, timestamp: timestamp(), stream, msg: Buffer.from(text) }] });
      },
      status: (id, current, total, finished) => {
        const now = timestamp();
        const st = statusStarted.get(id) ?? now;
        statusStarted.set(id, st);
        this.emit({
          vertexes: [],
          statuses: [{ ID: id, vertex: digest, name: id, current, total, timestamp: now, started: st, completed: finished ? now : null }],
          logs: [],
        });
      },
      complete: (c = {}) => {
        if (done) return;
        done = true;
        this.emit({ vertexes: [{ ...base, cached: c.cached ?? base.cached, completed: timestamp(), error: c.error ?? '' }], statuses: [], logs: [] });
      },
    };
  }

  /** Streams every response so far, then new ones, until the build ends. */
  subscribe(listener: Listener): () => void {
    for (const r of this.history) listener(r);
    if (this.finished) {
      listener(undefined);
      return () => undefined;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    for (const l of this.listeners) l(undefined);
    this.listeners.clear();
  }
}

/**
 * A Status listener that sends what arrives in one turn of the event loop as one response (a
 * cached build completes a dozen vertexes within a millisecond; each gRPC message costs a write).
 * Consecutive responses are merged only while the merge keeps their order: a client applies a
 * response's vertexes, then its statuses, then its logs. `drop` discards what is not sent yet
 * (the call was cancelled).
 */
export function coalescing(send: (r: StatusResponse) => void, end: () => void): { listener: Listener; drop(): void } {
  let pending: StatusResponse | undefined;
  let timer: NodeJS.Immediate | undefined;
  const drop = (): void => {
    if (timer !== undefined) clearImmediate(timer);
    timer = undefined;
    pending = undefined;
  };
  const flush = (): void => {
    const r = pending;
    drop();
    if (r !== undefined) send(r);
  };
  const listener: Listener = (r) => {
    if (r === undefined) {
      flush();
      end();
      return;
    }
    if (pending !== undefined && firstPart(r) >= lastPart(pending)) {
      pending.vertexes.push(...r.vertexes);
      pending.statuses.push(...r.statuses);
      pending.logs.push(...r.logs);
      return;
    }
    flush();
    pending = { vertexes: [...r.vertexes], statuses: [...r.statuses], logs: [...r.logs] };
    timer = setImmediate(flush);
  };
  return { listener, drop };
}

/** The first and the last of a response's parts that are not empty, in the order a client applies them (vertexes 0, statuses 1, logs 2). */
const firstPart = (r: StatusResponse): number => (r.vertexes.length > 0 ? 0 : r.statuses.length > 0 ? 1 : 2);
const lastPart = (r: StatusResponse): number => (r.logs.length > 0 ? 2 : r.statuses.length > 0 ? 1 : 0);

/** The builds in progress (and for a little while after: a Status call may come last) by ref. */
export class ProgressRegistry {
  private readonly builds = new Map<string, BuildProgress>();
  private readonly waiting = new Map<string, Set<(p: BuildProgress) => void>>();

  create(ref: string): BuildProgress {
    const p = new BuildProgress(ref);
    this.builds.set(ref, p);
    for (const w of this.waiting.get(ref) ?? []) w(p);
    this.waiting.delete(ref);
    return p;
  }

  /** Forgets a finished build after `graceMs` (its late Status calls still get the whole story). */
  release(p: BuildProgress, graceMs = 10_000): void {
    p.finish();
    setTimeout(() => {
      if (this.builds.get(p.ref) === p) this.builds.delete(p.ref);
    }, graceMs).unref();
  }

  /** The build `ref`, waiting until it starts (Status may be called before Solve) or `signal` aborts. */
  wait(ref: string, signal: AbortSignal): Promise<BuildProgress | undefined> {
    const p = this.builds.get(ref);
    if (p !== undefined) return Promise.resolve(p);
    return new Promise((resolve) => {
      const set = this.waiting.get(ref) ?? new Set();
      this.waiting.set(ref, set);
      const found = (b: BuildProgress | undefined): void => {
        set.delete(found);
        if (set.size === 0 && this.waiting.get(ref) === set) this.waiting.delete(ref);
        resolve(b);
      };
      set.add(found);
      signal.addEventListener('abort', () => found(undefined));
    });
  }
}
