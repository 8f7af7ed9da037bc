import { connect, type ClientHttp2Session } from 'node:http2';
import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import { invalidArgument, unavailable } from '../lib/errdefs.js';

/**
 * A session a client opened with `POST /session` (upgraded to h2c): the client serves gRPC on it
 * (FileSync, Auth, Secrets, …) and berthd is the gRPC client, over that one connection.
 */
export interface Session {
  id: string;
  name: string;
  /** `X-Docker-Expose-Session-Sharedkey`: the client's name for what it shares (buildx: one per context directory). */
  sharedKey: string;
  /** The methods the client exposes (`X-Docker-Expose-Session-Grpc-Method`), e.g. `/moby.filesync.v1.FileSync/DiffCopy`. */
  methods: Set<string>;
  h2: ClientHttp2Session;
}

/** What a `POST /session` says of itself. */
export type SessionInfo = Pick<Session, 'id' | 'name' | 'sharedKey' | 'methods'>;

const HEADER_UUID = 'x-docker-expose-session-uuid';
const HEADER_NAME = 'x-docker-expose-session-name';
const HEADER_METHOD = 'x-docker-expose-session-grpc-method';
const HEADER_SHARED_KEY = 'x-docker-expose-session-sharedkey';

/** The HTTP/2 flow-control window berthd gives the client's streams and its session (bytes). */
const WINDOW = 8 << 20;

/** How long a build waits for its session to arrive (the client dials it beside the Solve call). */
const SESSION_WAIT_MS = 30_000;

/** The open sessions by ID (the `X-Docker-Expose-Session-Uuid` the client picked; Solve names it). */
export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();
  private readonly waiting = new Map<string, Set<(s: Session | undefined) => void>>();
  private closed = false;

  /** Checks the headers of a `POST /session` before it is upgraded. */
  static check(headers: IncomingHttpHeaders): SessionInfo {
    const id = String(headers[HEADER_UUID] ?? '');
    if (id === '') throw invalidArgument('no session uuid (X-Docker-Expose-Session-Uuid) in the request');
    const raw = headers[HEADER_METHOD];
    const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).flatMap((v) => v.split(',')).map((v) => v.trim());
    return { id, name: String(headers[HEADER_NAME] ?? ''), sharedKey: String(headers[HEADER_SHARED_KEY] ?? ''), methods: new Set(list.filter(Boolean)) };
  }

  /** Takes over an upgraded connection as the session `info`; it is forgotten when the connection closes. */
  attach(socket: Duplex, info: SessionInfo): void {
    if (this.closed) return void socket.destroy();
    // Windows larger than HTTP/2's 64 KiB: the context's stats and contents stream without waiting for WINDOW_UPDATEs.
    const h2 = connect('http://session', { createConnection: () => socket, settings: { initialWindowSize: WINDOW } });
    h2.once('connect', () => h2.setLocalWindowSize(WINDOW));
    h2.on('error', () => undefined); // a client that goes away ends its session, nothing more
    const session: Session = { ...info, h2 };
    const old = this.sessions.get(info.id);
    this.sessions.set(info.id, session);
    old?.h2.destroy();
    h2.once('close', () => {
      if (this.sessions.get(info.id) === session) this.sessions.delete(info.id);
    });
    for (const w of this.waiting.get(info.id) ?? []) w(session);
    this.waiting.delete(info.id);
  }

  /** The session `id`, waiting for it to arrive for a while (clients open it beside their first call). */
  async get(id: string, signal?: AbortSignal): Promise<Session> {
    const s = this.sessions.get(id);
    if (s !== undefined) return s;
    if (this.closed) throw unavailable('berthd is shutting down');
    return new Promise((resolve, reject) => {
      const set = this.waiting.get(id) ?? new Set();
      this.waiting.set(id, set);
      const done = (): void => {
        clearTimeout(timer);
        set.delete(found);
        if (set.size === 0 && this.waiting.get(id) === set) this.waiting.delete(id);
      };
      const found = (session: Session | undefined): void => {
        done();
        if (session !== undefined) resolve(session);
        else reject(unavailable('berthd is shutting down'));
      };
      const timer = setTimeout(() => {
        done();
        reject(unavailable(`no active session for ${id}: context deadline exceeded`));
      }, SESSION_WAIT_MS).unref(); // a stopping berthd does not wait for it
      signal?.addEventListener('abort', () => {
        done();
        reject(unavailable(`session ${id}: the call was cancelled`));
      });
      set.add(found);
    });
  }

  /** Closes every session and fails every build still waiting for one (daemon shutdown). */
  closeAll(): void {
    for (const s of this.sessions.values()) s.h2.destroy();
    this.sessions.clear();
    this.closed = true;
    for (const set of this.waiting.values()) for (const w of set) w(undefined);
    this.waiting.clear();
  }
}
