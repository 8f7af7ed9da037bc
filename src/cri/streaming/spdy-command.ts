import type { Duplex } from 'node:stream';
import { SpdySession, type SpdyStream } from '../../lib/spdy/session.js';
import { STREAM_CREATION_TIMEOUT_MS, terminalSizes, type CommandChannels, type StreamOptions } from './remotecommand.js';
import { legacyErrorText } from './status.js';

interface Streams {
  error?: SpdyStream;
  stdin?: SpdyStream;
  stdout?: SpdyStream;
  stderr?: SpdyStream;
  resize?: SpdyStream;
}

/**
 * The client's streams of a remotecommand session over SPDY (named by their `streamType` header:
 * error, stdin, stdout, stderr, resize; each accepted as it comes), once as many as the options
 * call for are open; undefined (and the connection closed) when they are not within the kubelet's
 * 30 s or the client leaves. v4 reads the status as metav1.Status JSON, earlier versions the
 * message only; resize exists from v3.
 */
export async function spdyChannels(socket: Duplex, protocol: string, opts: StreamOptions): Promise<CommandChannels | undefined> {
  const session = new SpdySession(socket, { server: true });
  const streams: Streams = {};
  const resizes = opts.tty && protocol !== 'v2.channel.k8s.io' && protocol !== 'channel.k8s.io';
  const expected = 1 + Number(opts.stdin) + Number(opts.stdout) + Number(opts.stderr && !opts.tty) + Number(resizes);
  const gathered = await new Promise<boolean>((resolve) => {
    let count = 0;
    const timer = setTimeout(() => resolve(false), STREAM_CREATION_TIMEOUT_MS);
    session.once('close', () => {
      clearTimeout(timer);
      resolve(false);
    });
    session.on('stream', (s: SpdyStream) => {
      s.reply();
      s.on('error', () => undefined);
      const type = s.headers.streamtype ?? '';
      if (!['error', 'stdin', 'stdout', 'stderr', 'resize'].includes(type)) return;
      streams[type as keyof Streams] = s;
      if (++count < expected) return;
      clearTimeout(timer);
      resolve(true);
    });
  });
  if (!gathered) {
    session.close();
    return undefined;
  }
  const writer = (s: SpdyStream | undefined): ((d: Buffer) => void) | undefined => s && ((d) => void (s.writableEnded || s.write(d)));
  let finished = false;
  return {
    stdout: writer(streams.stdout),
    stderr: writer(streams.stderr),
    onStdin(data, end) {
      streams.stdin?.on('data', data);
      streams.stdin?.on('end', end);
    },
    onResize(cb) {
      if (!streams.resize) return;
      const feed = terminalSizes(cb);
      streams.resize.setEncoding('utf8');
      streams.resize.on('data', feed);
    },
    onGone(cb) {
      if (session.ended) cb();
      else session.once('close', () => finished || cb());
    },
    async finish(statusJson) {
      finished = true;
      const text = protocol === 'v4.channel.k8s.io' ? statusJson : legacyErrorText(statusJson);
      const ending = [streams.error, streams.stdout, streams.stderr]
        .filter((s): s is SpdyStream => s !== undefined && !s.writableEnded)
        .map((s) => new Promise<void>((r) => s.end(s === streams.error && text !== '' ? Buffer.from(text) : Buffer.alloc(0), () => r())));
      await Promise.all(ending);
      session.close();
    },
  };
}
