import type { Duplex } from 'node:stream';
import { SpdySession, type SpdyStream } from '../../lib/spdy/session.js';
import type { NetnsDialer } from './netns-dial.js';
import { STREAM_CREATION_TIMEOUT_MS } from './remotecommand.js';

export const PORTFORWARD_PROTOCOLS = ['portforward.k8s.io'];

interface Pair {
  error?: SpdyStream;
  data?: SpdyStream;
  timer: NodeJS.Timeout;
}

/**
 * Serves a port-forward session (`portforward.k8s.io` over SPDY) on an upgraded connection: the
 * client opens an error and a data stream per connection, tied by `requestID` (older clients:
 * the error stream's id, the data stream's id less 2) and naming the `port`; each pair is
 * connected to localhost:port inside the pod's network namespace and the bytes copied both ways,
 * each direction's end passed on. A failure is written to the pair's error stream in the
 * kubelet's words. The session lasts until the client closes it.
 */
export function servePortForward(socket: Duplex, podSandboxId: string, dialer: NetnsDialer): void {
  const session = new SpdySession(socket, { server: true });
  const pairs = new Map<string, Pair>();
  session.once('close', () => {
    dialer.close();
    for (const p of pairs.values()) clearTimeout(p.timer);
  });
  session.on('stream', (s: SpdyStream) => {
    s.reply();
    s.on('error', () => undefined);
    const type = s.headers.streamtype;
    const requestId = s.headers.requestid ?? String(type === 'data' ? s.id - 2 : s.id);
    if (type !== 'error' && type !== 'data') return void s.destroy();
    let pair = pairs.get(requestId);
    if (pair === undefined) {
      // A pair not completed in time is dropped, as the kubelet does.
      const timer = setTimeout(() => {
        pairs.delete(requestId);
        pair?.error?.destroy();
        pair?.data?.destroy();
      }, STREAM_CREATION_TIMEOUT_MS);
      pair = { timer };
      pairs.set(requestId, pair);
    }
    if (pair[type] !== undefined) return void s.destroy();
    pair[type] = s;
    if (pair.error && pair.data) {
      clearTimeout(pair.timer);
      pairs.delete(requestId);
      void forward(pair.error, pair.data, s.headers.port ?? '', podSandboxId, dialer);
    }
  });
}

async function forward(errorStream: SpdyStream, data: SpdyStream, portHeader: string, podSandboxId: string, dialer: NetnsDialer): Promise<void> {
  const fail = (why: string): void => {
    errorStream.end(Buffer.from(why));
    data.end();
  };
  const port = Number(portHeader);
  if (!/^\d+$/.test(portHeader) || port < 1 || port > 65535) return fail(`invalid port: "${portHeader}"`);
  const prefix = `error forwarding port ${port} to pod ${podSandboxId}, uid : `;
  let conn;
  try {
    conn = await dialer.dial(port);
  } catch (err) {
    return fail(`${prefix}failed to connect to localhost:${port} inside namespace "${podSandboxId}", ${(err as Error).message}`);
  }
  conn.on('error', () => data.end());
  data.on('close', () => conn.destroy());
  conn.on('close', () => errorStream.end());
  data.pipe(conn);
  conn.pipe(data);
}
