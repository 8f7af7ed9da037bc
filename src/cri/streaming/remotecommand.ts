import type { Duplex } from 'node:stream';
import { SpdySession, type SpdyStream } from '../../lib/spdy/session.js';
import { messageOf } from '../../lib/errdefs.js';
import { internalErrorStatus, legacyErrorText } from './status.js';

/** The remotecommand protocols berth speaks, newest first (X-Stream-Protocol-Version). */
export const REMOTECOMMAND_PROTOCOLS = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];
/** How long the client has to open its streams (the kubelet's StreamCreationTimeout). */
export const STREAM_CREATION_TIMEOUT_MS = 30_000;

export interface StreamOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** A process's side of an exec or attach session. */
export interface CommandIo {
  onOutput(cb: (stream: 'stdout' | 'stderr', data: Buffer) => void): void;
  write(data: Buffer): void;
  closeStdin(): void;
  resize(height: number, width: number): Promise<void>;
  /** Settles with the metav1.Status (JSON) to report once the process's output has been delivered. */
  done: Promise<string>;
  /** The client went away before the end. */
  abandon(): void;
}

interface Streams {
  error?: SpdyStream;
  stdin?: SpdyStream;
  stdout?: SpdyStream;
  stderr?: SpdyStream;
  resize?: SpdyStream;
}

/** Calls `cb` with each JSON object of a stream of concatenated objects (the resize stream's TerminalSize values). */
function eachJsonObject(stream: SpdyStream, cb: (o: unknown) => void): void {
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    text += chunk;
    for (;;) {
      const end = text.indexOf('}');
      if (end < 0) return;
      const piece = text.slice(0, end + 1);
      text = text.slice(end + 1);
      try {
        cb(JSON.parse(piece.slice(piece.indexOf('{'))));
      } catch {
        // not a TerminalSize: skipped, as the kubelet logs and goes on
      }
    }
  });
}

/**
 * Serves one remotecommand session (exec or attach) on an upgraded connection: waits for the
 * client's streams (named by their `streamType` header: error, stdin, stdout, stderr, resize),
 * then runs the command and carries its stdio; at the end the error stream gets the status (v4:
 * metav1.Status JSON with the exit code; earlier versions: the message only), every stream is
 * closed and so is the connection. A client that does not open its streams in time, or leaves,
 * ends the session (and, by `abandon`, what it started).
 */
export async function serveRemoteCommand(socket: Duplex, protocol: string, opts: StreamOptions, start: () => Promise<CommandIo>): Promise<void> {
  const session = new SpdySession(socket, { server: true });
  const streams: Streams = {};
  const expected =
    1 +
    Number(opts.stdin) +
    Number(opts.stdout) +
    Number(opts.stderr && !opts.tty) +
    Number(opts.tty && protocol !== 'v2.channel.k8s.io' && protocol !== 'channel.k8s.io');
  const gathered = await new Promise<boolean>((resolve) => {
    let count = 0;
    const timer = setTimeout(() => resolve(false), STREAM_CREATION_TIMEOUT_MS);
    session.once('close', () => {
      clearTimeout(timer);
      resolve(false);
    });
    session.on('stream', (s: SpdyStream) => {
      s.reply();
      const type = s.headers.streamtype ?? '';
      if (!['error', 'stdin', 'stdout', 'stderr', 'resize'].includes(type)) return;
      streams[type as keyof Streams] = s;
      s.on('error', () => undefined);
      if (++count < expected) return;
      clearTimeout(timer);
      resolve(true);
    });
  });
  if (!gathered) {
    session.close();
    return;
  }
  let io: CommandIo;
  let status: string;
  try {
    io = await start();
  } catch (err) {
    await finish(session, streams, protocol, internalErrorStatus(messageOf(err)));
    return;
  }
  let ended = false;
  session.once('close', () => ended || io.abandon());
  io.onOutput((stream, data) => {
    const to = stream === 'stderr' ? streams.stderr : streams.stdout;
    if (to && !to.writableEnded) to.write(data);
  });
  streams.stdin?.on('data', (d: Buffer) => io.write(d));
  streams.stdin?.on('end', () => io.closeStdin());
  if (streams.resize) {
    eachJsonObject(streams.resize, (o) => {
      const size = o as { Width?: number; Height?: number };
      if (typeof size.Width === 'number' && typeof size.Height === 'number') void io.resize(size.Height, size.Width).catch(() => undefined);
    });
  }
  try {
    status = await io.done;
  } finally {
    ended = true;
  }
  await finish(session, streams, protocol, status);
}

/** The status on the error stream, FIN on every stream the server writes, then the connection. */
async function finish(session: SpdySession, streams: Streams, protocol: string, statusJson: string): Promise<void> {
  const text = protocol === 'v4.channel.k8s.io' ? statusJson : legacyErrorText(statusJson);
  const ending = [streams.error, streams.stdout, streams.stderr]
    .filter((s): s is SpdyStream => s !== undefined && !s.writableEnded)
    .map((s) => new Promise<void>((r) => s.end(s === streams.error && text !== '' ? Buffer.from(text) : Buffer.alloc(0), () => r())));
  await Promise.all(ending);
  session.close();
}
