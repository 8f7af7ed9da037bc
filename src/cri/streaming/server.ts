import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { messageOf } from '../../lib/errdefs.js';
import type { StreamingDeps } from './deps.js';
import { attachIo, execIo, type AttachRequest, type ExecRequest } from './commands.js';
import { netnsDialer } from './netns-dial.js';
import { PORTFORWARD_PROTOCOLS, servePortForward } from './portforward.js';
import { REMOTECOMMAND_PROTOCOLS, runCommand, type CommandIo, type StreamOptions } from './remotecommand.js';
import { spdyChannels } from './spdy-command.js';
import { WEBSOCKET_PROTOCOLS, websocketProtocol, wsChannels } from './ws-command.js';
import { RequestCache } from './tokens.js';

export interface PortForwardRequest {
  pod_sandbox_id: string;
  port: number[];
}

type CommandRequest = { kind: 'exec'; req: ExecRequest } | { kind: 'attach'; req: AttachRequest };
export type StreamRequest = CommandRequest | { kind: 'portforward'; req: PortForwardRequest };

/** The streaming server the Exec, Attach and PortForward RPCs hand out URLs of. */
export interface StreamingServer {
  /** A single-use URL (`http://127.0.0.1:<port>/<kind>/<token>`) serving the request. */
  url(r: StreamRequest): Promise<string>;
  close(): void;
}

/** The kubelet's default StreamIdleTimeout. */
const STREAM_IDLE_TIMEOUT_MS = 4 * 3600_000;

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found' };

/** A plain-text answer as Go's http.Error writes it, on a connection that asked for an upgrade. */
function refuse(socket: Duplex, code: number, body: string, extra: Record<string, string> = {}): void {
  const headers = {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    ...extra,
    'Content-Length': String(Buffer.byteLength(body)),
  };
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${code} ${STATUS_TEXT[code]}\r\n${head}Connection: close\r\n\r\n${body}`);
}

/** A header's comma-separated values, over one line or several (the client's protocol versions). */
function listHeader(req: IncomingMessage, name: string): string[] {
  return (req.headersDistinct[name] ?? []).flatMap((v) => v.split(',').map((p) => p.trim())).filter((p) => p !== '');
}

const optionsOf = (r: ExecRequest | AttachRequest): StreamOptions => ({ stdin: r.stdin, stdout: r.stdout, stderr: r.stderr, tty: r.tty });

/**
 * The streaming server of berth's CRI, as containerd's and CRI-O's (k8s.io/kubelet/pkg/cri/streaming):
 * HTTP on a loopback port chosen at start, `/exec/<token>`, `/attach/<token>` and
 * `/portforward/<token>` (GET or POST), each token taken from the request cache once. A
 * connection upgrades to SPDY/3.1 after protocol negotiation (remotecommand v1–v4, portforward),
 * or for exec and attach to a WebSocket (channel protocols up to v5).
 */
export function streamingServer(deps: StreamingDeps, host = '127.0.0.1'): StreamingServer {
  const cache = new RequestCache<StreamRequest>();
  const sockets = new Set<Duplex>();
  const websockets = new WebSocketServer({ noServer: true, handleProtocols: (offered) => websocketProtocol([...offered]) || false });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // A request that does not upgrade: its token is spent all the same, as upstream's.
    const found = take(req);
    res.writeHead(found ? 400 : 404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
    res.end(found ? 'unable to upgrade: missing upgrade headers in request\n' : '404 page not found\n');
  });
  const take = (req: IncomingMessage): StreamRequest | undefined => {
    const m = /^\/(exec|attach|portforward)\/([A-Za-z0-9_-]+)(?:\?.*)?$/.exec(req.url ?? '');
    if (m === null || (req.method !== 'GET' && req.method !== 'POST')) return undefined;
    const r = cache.consume(m[2]!);
    return r?.kind === m[1] ? r : undefined;
  };
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    sockets.add(socket);
    // A session with no traffic for the kubelet's stream idle timeout is closed.
    (socket as Socket).setTimeout(STREAM_IDLE_TIMEOUT_MS, () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    void upgrade(req, socket, head).catch((err: unknown) => {
      deps.log(`cri streaming: ${messageOf(err)}`);
      socket.destroy();
    });
  });
  const upgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    const r = take(req);
    if (r === undefined) return refuse(socket, 404, '404 page not found\n');
    if (/^websocket$/i.test(req.headers.upgrade ?? '') && r.kind !== 'portforward') return upgradeWebSocket(req, socket, head, r);
    const supported = r.kind === 'portforward' ? PORTFORWARD_PROTOCOLS : REMOTECOMMAND_PROTOCOLS;
    const offered = listHeader(req, 'x-stream-protocol-version');
    if (offered.length === 0) return refuse(socket, 400, 'unable to upgrade: X-Stream-Protocol-Version is required\n');
    const protocol = offered.find((p) => supported.includes(p));
    if (protocol === undefined) {
      const msg = `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${supported.join(' ')}]\n`;
      return refuse(socket, 403, msg, { 'X-Accepted-Stream-Protocol-Versions': supported.join(', ') });
    }
    if (!/upgrade/i.test(req.headers.connection ?? '') || !/spdy\/3\.1/i.test(req.headers.upgrade ?? '')) {
      return refuse(socket, 400, 'unable to upgrade: missing upgrade headers in request\n');
    }
    // A sandbox gone since the URL was handed out fails each connection, on its error stream.
    const netns = r.kind === 'portforward' ? await deps.sandboxNetns(r.req.pod_sandbox_id).catch((err: Error) => err) : undefined;
    if (head.length > 0) socket.unshift(head);
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
    if (r.kind === 'portforward') {
      const dialer =
        netns instanceof Error || netns === undefined
          ? { dial: () => Promise.reject(netns ?? new Error('no sandbox')), close: () => undefined }
          : netnsDialer(netns);
      return servePortForward(socket, r.req.pod_sandbox_id, dialer);
    }
    const channels = await spdyChannels(socket, protocol, optionsOf(r.req));
    if (channels) await runCommand(channels, starter(r));
  };
  const upgradeWebSocket = async (req: IncomingMessage, socket: Duplex, head: Buffer, r: CommandRequest): Promise<void> => {
    const offered = listHeader(req, 'sec-websocket-protocol');
    const protocol = websocketProtocol(offered);
    if (protocol === undefined) {
      return refuse(socket, 403, `requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${WEBSOCKET_PROTOCOLS.join(' ')}]\n`);
    }
    const ws = await new Promise<WebSocket>((resolve) => websockets.handleUpgrade(req, socket, head, resolve));
    ws.on('error', () => undefined);
    await runCommand(wsChannels(ws, protocol, optionsOf(r.req)), starter(r));
  };
  const starter =
    (r: CommandRequest): (() => Promise<CommandIo>) =>
    () =>
      r.kind === 'exec' ? execIo(deps.containers, r.req) : attachIo(deps.containers, r.req);
  const listening = new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port));
  });
  listening.catch((err: unknown) => deps.log(`cri streaming: cannot listen on ${host}: ${messageOf(err)}`));
  return {
    async url(r) {
      const port = await listening;
      return `http://${host}:${port}/${r.kind}/${cache.insert(r)}`;
    },
    close() {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}
