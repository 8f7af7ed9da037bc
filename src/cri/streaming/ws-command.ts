import type { WebSocket } from 'ws';
import { terminalSizes, type CommandChannels, type StreamOptions } from './remotecommand.js';
import { legacyErrorText } from './status.js';

/**
 * The remotecommand protocols over WebSocket berth speaks (binary channel frames), newest first;
 * '' is a client that names none (the oldest binary framing). The base64 variants are not served.
 */
export const WEBSOCKET_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'channel.k8s.io', ''];

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const RESIZE = 4;
/** v5: a client's `[255, channel]` closes that channel (stdin's EOF). */
const CLOSE = 255;

/** The protocol a WebSocket client gets: the first it offers that berth speaks ('' when it offers none), undefined when none fits. */
export function websocketProtocol(offered: string[]): string | undefined {
  if (offered.length === 0) return '';
  return offered.find((p) => p !== '' && WEBSOCKET_PROTOCOLS.includes(p));
}

/**
 * A remotecommand session's channels over WebSocket, as k8s.io/apiserver's wsstream: every
 * message is one channel byte (0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize) and the data.
 * The server's first message is an empty one on the lowest channel the client reads (it tells
 * the client the session is up); the status goes on the error channel, then the socket closes.
 */
export function wsChannels(ws: WebSocket, protocol: string, opts: StreamOptions): CommandChannels {
  const send = (channel: number, data: Buffer): void => {
    if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), data]));
  };
  send(opts.stdout ? STDOUT : opts.stderr ? STDERR : ERROR, Buffer.alloc(0));
  // Input that comes before the process runs waits for it.
  const early: Array<{ channel: number; data: Buffer }> = [];
  let stdin: { data: (d: Buffer) => void; end: () => void } | undefined;
  let resize: ((chunk: string) => void) | undefined;
  const deliver = (channel: number, data: Buffer): void => {
    if (channel === STDIN && opts.stdin) stdin?.data(data);
    else if (channel === CLOSE && data[0] === STDIN) stdin?.end();
    else if (channel === RESIZE) resize?.(data.toString());
  };
  const flush = (): void => {
    if (stdin && resize) for (const m of early.splice(0)) deliver(m.channel, m.data);
  };
  ws.on('message', (raw: Buffer) => {
    if (raw.length === 0) return;
    const channel = raw[0] === CLOSE && protocol !== 'v5.channel.k8s.io' ? -1 : raw[0]!;
    if (stdin && resize) deliver(channel, raw.subarray(1));
    else early.push({ channel, data: raw.subarray(1) });
  });
  let finished = false;
  return {
    stdout: opts.stdout ? (d) => send(STDOUT, d) : undefined,
    stderr: opts.stderr ? (d) => send(STDERR, d) : undefined,
    onStdin(data, end) {
      stdin = { data, end };
      flush();
    },
    onResize(cb) {
      resize = terminalSizes(cb);
      flush();
    },
    onGone(cb) {
      if (ws.readyState === ws.CLOSED || ws.readyState === ws.CLOSING) cb();
      else ws.once('close', () => finished || cb());
    },
    async finish(statusJson) {
      finished = true;
      const text = protocol.startsWith('v4.') || protocol.startsWith('v5.') ? statusJson : legacyErrorText(statusJson);
      if (text !== '') send(ERROR, Buffer.from(text));
      const closed = new Promise<void>((r) => (ws.readyState === ws.CLOSED ? r() : ws.once('close', () => r())));
      ws.close(1000);
      await closed;
    },
  };
}
