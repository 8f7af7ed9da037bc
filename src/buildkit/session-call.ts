import type { ClientHttp2Session, IncomingHttpHeaders, IncomingHttpStatusHeader } from 'node:http2';
import type { MethodDefinition } from '@grpc/proto-loader';
import { frame, FrameReader } from './grpc-frames.js';

/** One streaming call berthd makes to a service the docker CLI exposes on its session. */
export interface SessionStream<Req, Res> {
  send(message: Req): void;
  /** Resolves once what was sent has left for the wire (or the call is over): backpressure for large sends. */
  drain(): Promise<void>;
  /** The next message; undefined once the call ended well; rejects with the call's gRPC error. */
  recv(): Promise<Res | undefined>;
  /** The next message if one has already arrived, else undefined (then `recv` waits for it, or tells the end or the error). */
  take(): Res | undefined;
  /** Half-closes berthd's side. */
  end(): void;
  /** Abandons the call (RST_STREAM CANCEL). */
  cancel(): void;
}

/** A gRPC status other than OK, with the peer's message (`grpc-message`, percent-encoded on the wire). */
export class GrpcCallError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'GrpcCallError';
  }
}

/**
 * Opens a gRPC call on an HTTP/2 session berthd is the client of: POST `method.path` with
 * `content-type: application/grpc`, `te: trailers` and the metadata as headers (a list becomes
 * repeated headers, as gRPC metadata with several values is sent); messages framed by
 * `grpc-frames.ts`; the status comes in the trailers (or in the headers of a trailers-only answer).
 */
export function openStream<Req, Res>(
  h2: ClientHttp2Session,
  method: MethodDefinition<Req, Res>,
  metadata: Record<string, string | string[]> = {},
): SessionStream<Req, Res> {
  const req = h2.request({ ':method': 'POST', ':path': method.path, 'content-type': 'application/grpc', te: 'trailers', ...metadata }, { endStream: false });
  let queue: Res[] = [];
  let head = 0; // queue[head..] not yet taken
  const reader = new FrameReader();
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  // Messages wake a waiting recv once per turn of the event loop, not once each: the frames of
  // one read from the socket (hundreds of small fsutil packets) are all queued first, and `take`
  // hands them over without a wait each.
  let notifying: NodeJS.Immediate | undefined;
  const notifySoon = (): void => {
    if (wake === undefined || notifying !== undefined) return;
    notifying = setImmediate(() => {
      notifying = undefined;
      notify();
    });
  };
  const take = (): Res | undefined => {
    if (head === queue.length) return undefined;
    const m = queue[head++];
    if (head === queue.length) {
      queue = [];
      head = 0;
    }
    return m;
  };
  const fail = (err: Error): void => {
    failure ??= err;
    notify();
  };
  const statusFrom = (h: IncomingHttpHeaders): void => {
    const status = h['grpc-status'];
    if (status === undefined) return;
    const code = Number(status);
    if (code !== 0) fail(new GrpcCallError(code, decodeMessage(String(h['grpc-message'] ?? ''))));
  };
  req.on('response', (h: IncomingHttpHeaders & IncomingHttpStatusHeader) => {
    if (h[':status'] !== 200) fail(new GrpcCallError(13, `unexpected HTTP status ${h[':status']} from the session`));
    else statusFrom(h);
  });
  req.on('trailers', statusFrom);
  req.on('data', (chunk: Buffer) => {
    try {
      for (const m of reader.push(chunk)) queue.push(method.responseDeserialize(m));
    } catch (err) {
      fail(err as Error);
      req.close();
      return;
    }
    notifySoon();
  });
  req.on('end', () => {
    if (reader.partial) fail(new GrpcCallError(13, 'the session ended in the middle of a message'));
    ended = true;
    notify();
  });
  req.on('close', () => {
    if (!ended) fail(new GrpcCallError(1, 'the session call was closed'));
    ended = true;
    notify();
  });
  req.on('error', (err: Error) => fail(err));
  return {
    send(message) {
      if (!req.writable) return;
      req.write(frame(method.requestSerialize(message)));
    },
    async drain() {
      if (!req.writableNeedDrain || req.closed) return;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          req.off('drain', done);
          req.off('close', done);
          resolve();
        };
        req.on('drain', done);
        req.on('close', done);
      });
    },
    take,
    async recv() {
      for (;;) {
        if (head < queue.length) return take();
        if (failure) throw failure;
        if (ended) return undefined;
        await new Promise<void>((r) => (wake = r));
      }
    },
    end() {
      if (req.writable) req.end();
    },
    cancel() {
      if (!req.closed) req.close(0x8);
    },
  };
}

/** grpc-message is percent-encoded (gRPC's HTTP/2 spec). */
function decodeMessage(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A unary call to a service the client exposes on its session: one request, one answer (undefined if the call ended without one). */
export async function sessionUnary<Req, Res>(h2: ClientHttp2Session, method: MethodDefinition<Req, Res>, request: Req): Promise<Res | undefined> {
  const call = openStream(h2, method);
  call.send(request);
  call.end();
  return call.recv();
}
