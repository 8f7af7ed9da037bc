import { createServer, ServerResponse, STATUS_CODES, type IncomingMessage, type ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import { createServer as createTlsServer, type Server as HttpsServer } from 'node:https';
import type { Server as HttpServer } from 'node:http';
import type { SecureContextOptions, TlsOptions } from 'node:tls';
import type { Duplex } from 'node:stream';
import { BerthError, invalidArgument, messageOf, notFound } from '../lib/errdefs.js';
import { statusOf } from './errors.js';
import { bodyTooLarge, JSON_BODY_LIMIT, sendJson, setUpgradeBody, type RequestContext } from './http.js';
import type { Router } from './router.js';
import { redactTarget } from './log-redact.js';

import { API_VERSION, MIN_API_VERSION, SERVER_VERSION } from './types/version.js';
import { compareVersions } from './versions.js';

const COMMON_HEADERS = {
  'Api-Version': API_VERSION,
  'Docker-Experimental': 'false',
  Ostype: 'linux',
  Server: `Docker/${SERVER_VERSION} (linux)`,
};

const VERSION_PREFIX = /^\/v(\d+\.\d+)(\/.*)$/;

/** Splits `/v1.41/containers/json` into version and path, enforcing the supported range. */
function parsePath(rawPath: string): { version: string; path: string } {
  const m = VERSION_PREFIX.exec(rawPath);
  if (m === null) return { version: API_VERSION, path: rawPath };
  const version = m[1]!;
  if (compareVersions(version, API_VERSION) > 0) {
    throw invalidArgument(`client version ${version} is too new. Maximum supported API version is ${API_VERSION}`);
  }
  if (compareVersions(version, MIN_API_VERSION) < 0) {
    throw invalidArgument(
      `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`,
    );
  }
  return { version, path: m[2]! };
}

/**
 * Connection limits against slow and hostile clients. Headers must arrive within 10 s (slowloris;
 * Node answers 408 and closes), and at most 16 KiB of them (431); there is no limit on a whole
 * request, since `load`, `build` and `import` stream bodies for as long as they need. JSON bodies
 * have their own size and idle limits (`http.ts` readBody).
 */
const SERVER_OPTIONS: ServerOptions = {
  keepAliveTimeout: 5000,
  headersTimeout: 10_000,
  requestTimeout: 0,
  connectionsCheckingInterval: 1000,
  maxHeaderSize: 16 * 1024,
};

/** Told about every request once it is answered (metrics). `route` is the registered pattern, so labels stay few. */
export type RequestObserver = (r: { method: string; route: string; status: number; seconds: number }) => void;

export interface ApiServerOptions {
  log: (msg: string) => void;
  debug?: () => boolean;
  observe?: RequestObserver;
  /** Serve HTTPS; with `requestCert` + `rejectUnauthorized` only clients with a cert signed by `ca` (mutual TLS). */
  tls?: SecureContextOptions & Pick<TlsOptions, 'requestCert' | 'rejectUnauthorized'>;
  /**
   * `--api-cors-header`: the Access-Control-Allow-Origin to send. Unset (the default), no CORS
   * header is sent, so a browser never lets another site's page read an answer or send anything
   * but a "simple" request, which the JSON routes refuse (`checkForJson`).
   */
  corsOrigin?: string;
}

/** dockerd's CORS middleware: the headers it adds when `--api-cors-header` is set. */
function corsHeaders(origin: string): Record<string, string> {
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Headers': 'Origin, X-Requested-With, Content-Type, Accept, X-Registry-Auth',
    'Access-Control-Allow-Methods': 'HEAD, GET, POST, DELETE, PUT, OPTIONS',
  };
}

/** The Engine API HTTP(S) server: routing, version prefixes, Docker's headers and error bodies. */
/** What serves the API: plain HTTP (unix sockets, `--tls=false`) or HTTPS. */
export type ApiHttpServer = HttpServer | HttpsServer;

export function createApiServer(router: Router, opts: ApiServerOptions): ApiHttpServer {
  const { log, debug = () => false } = opts;
  const observe = opts.observe ?? (() => undefined);
  const headers = { ...COMMON_HEADERS, ...(opts.corsOrigin ? corsHeaders(opts.corsOrigin) : {}) };
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (debug()) log(`${req.method} ${redactTarget(req.url)}`);
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    void dispatch(router, req, { res }, log, observe);
  };
  // Half-open like the plain server: docker closes its write side of an attach (a TLS close_notify) and still reads the output.
  const server = opts.tls ? createTlsServer({ ...SERVER_OPTIONS, ...opts.tls, allowHalfOpen: true }, onRequest) : createServer(SERVER_OPTIONS, onRequest);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (debug()) log(`${req.method} ${redactTarget(req.url)} (upgrade)`);
    // Node leaves an upgraded socket without an error listener: a client that resets it must not kill berthd.
    socket.on('error', () => socket.destroy());
    if (head.length > 0) socket.unshift(head);
    // An upgraded request's body is on the raw socket, ahead of the client's stream data.
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > JSON_BODY_LIMIT) {
      writeSocketError(socket, 413, bodyTooLarge().message, { linger: true });
      return;
    }
    void readUpgradeBody(socket, length).then(
      (body) => {
        setUpgradeBody(req, body);
        const res = plainResponse(req, socket);
        for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
        return dispatch(router, req, { res, socket }, log, observe);
      },
      () => socket.destroy(),
    );
  });
  // CONNECT (an authority-form target) is not part of the API.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => socket.destroy());
    writeSocketError(socket, 400, 'invalid request URI: CONNECT is not supported');
  });
  // Requests Node's parser rejects (bad Content-Length, bad chunking, header overflow, slow headers):
  // answer as Node would, but never let a socket error escape.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || (err.code !== undefined && ['ECONNRESET', 'EPIPE'].includes(err.code))) {
      socket.destroy();
      return;
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    writeSocketError(
      socket,
      status,
      status === 431 ? 'request header fields too large' : status === 408 ? 'timed out reading the request headers' : `bad request: ${err.message}`,
    );
  });
  return server;
}

/**
 * A response on an upgrade request's socket, for routes that answer in plain HTTP: Docker serves
 * `Connection: Upgrade` on `/version`, `/_ping`, `/events`… as an ordinary request, and only
 * attach and exec start take the connection over (`hijack` then drops this response). The
 * connection ends with the answer (Node's parser has already let go of it).
 */
function plainResponse(req: IncomingMessage, socket: Duplex): ServerResponse {
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.once('finish', () => {
    res.detachSocket(socket as Socket);
    socket.end();
  });
  return res;
}

/** An error answer written straight to a socket that has no ServerResponse (upgrades, parse errors); closes it. */
function writeSocketError(socket: Duplex, status: number, message: string, opts: { linger?: boolean } = {}): void {
  const body = JSON.stringify({ message }) + '\n';
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Api-Version: ${API_VERSION}\r\nConnection: close\r\n\r\n${body}`,
  );
  if (!opts.linger) return;
  // A body the client still sends is read and dropped until the socket goes (see lingerAtClose).
  socket.on('data', () => undefined);
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}

/** How long a connection closed in the middle of a request body is still read from (Go's net/http rstAvoidanceDelay). */
const LINGER_MS = 500;

/**
 * Closing a socket with unread input resets it, and a client still writing its body then loses
 * the answer already sent (status 0 instead of 413). As Go's net/http server (closeWriteAndWait):
 * once the answer is out the write side closes, what still arrives is read and dropped, and the
 * socket goes LINGER_MS later. Node's HTTP server ends a Connection: close socket with its
 * `destroySoon`, which this replaces for the one socket.
 */
function lingerAtClose(socket: Socket): void {
  const s = socket as Socket & { destroySoon?: () => void };
  if (typeof s.destroySoon !== 'function') return;
  s.destroySoon = () => {
    s.end();
    setTimeout(() => s.destroy(), LINGER_MS).unref();
  };
}

function readUpgradeBody(socket: Duplex, length: number): Promise<Buffer> {
  if (!(length > 0)) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const onData = (d: Buffer): void => {
      chunks.push(d);
      got += d.length;
      if (got < length) return;
      socket.off('data', onData);
      socket.off('error', reject);
      socket.pause();
      const all = Buffer.concat(chunks);
      if (all.length > length) socket.unshift(all.subarray(length));
      resolve(all.subarray(0, length));
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

function parseUrl(raw: string): URL {
  // Origin-form only: `http://…`, `*` and authority targets are refused; `//v1.41/…` (a client
  // with a trailing slash in its base URL) is a path, never a host to resolve against.
  if (!raw.startsWith('/')) throw invalidArgument(`invalid request URI: ${raw.slice(0, 200)}`);
  try {
    return new URL(raw.replace(/^\/+/, '/'), 'http://localhost');
  } catch {
    throw invalidArgument(`invalid request URI: ${raw.slice(0, 200)}`);
  }
}

async function dispatch(
  router: Router,
  req: IncomingMessage,
  target: { res?: ServerResponse; socket?: Duplex },
  log: (msg: string) => void,
  observe: RequestObserver,
): Promise<void> {
  let hijacked = false;
  let route = 'unmatched';
  let status = 0;
  const started = performance.now();
  try {
    const url = parseUrl(req.url ?? '/');
    const { version, path } = parsePath(url.pathname);
    if (req.method === 'OPTIONS' && target.res) {
      // dockerd answers a CORS preflight on any path with 200 (and its CORS headers, if configured).
      route = 'OPTIONS';
      target.res.writeHead(200, { 'Content-Length': 0 }).end();
      status = 200;
      return;
    }
    const m = router.match(req.method ?? 'GET', path);
    if (m === undefined) throw notFound(`page not found`);
    if (m === 'method') throw new BerthError('NotFound', `page not found`);
    route = m.route;
    const ctx: RequestContext = { req, res: target.res, params: m.params, query: url.searchParams, apiVersion: version };
    if (target.socket) {
      const socket = target.socket;
      ctx.hijack = (contentType: string, upgrade?: string) => {
        hijacked = true;
        if (target.res) target.res.detachSocket(socket as Socket);
        ctx.res = undefined;
        // A client that goes away (detach, Ctrl-C) surfaces as EPIPE/ECONNRESET: never fatal.
        socket.on('error', () => socket.destroy());
        const status = upgrade === undefined ? '101 UPGRADED' : '101 Switching Protocols';
        socket.write(
          `HTTP/1.1 ${status}\r\n${contentType ? `Content-Type: ${contentType}\r\n` : ''}Connection: Upgrade\r\nUpgrade: ${upgrade ?? 'tcp'}\r\n` +
            Object.entries(COMMON_HEADERS)
              .map(([k, v]) => `${k}: ${v}\r\n`)
              .join('') +
            '\r\n',
        );
        return socket;
      };
    }
    const body = await m.handler(ctx);
    if (target.res && !hijacked && !target.res.headersSent) {
      if (body === undefined) {
        // Docker answers a POST or DELETE with nothing to say 204 No Content, anything else 200.
        target.res.writeHead(req.method === 'POST' || req.method === 'DELETE' ? 204 : 200);
        target.res.end();
      } else {
        sendJson(target.res, target.res.statusCode, body); // 200 unless the handler set one (201 on create)
      }
    }
    status = hijacked ? 101 : (target.res?.statusCode ?? 200);
  } catch (err) {
    status = statusOf(err);
    const message = messageOf(err);
    if (status >= 500) log(`${req.method} ${redactTarget(req.url)}: ${err instanceof Error ? (err.stack ?? message) : message}`);
    if (hijacked) {
      target.socket?.destroy();
    } else if (target.res) {
      if (target.res.headersSent) target.res.destroy();
      else if (status === 413) {
        // The rest of the body is not read: end the connection rather than drain it, lingering
        // so that a client still sending reads the answer rather than a reset.
        if (target.res.socket) lingerAtClose(target.res.socket);
        target.res.shouldKeepAlive = false;
        sendJson(target.res, status, { message });
      } else if (status === 304) {
        target.res.writeHead(304);
        target.res.end();
      } else sendJson(target.res, status, { message });
    }
  } finally {
    observe({ method: req.method ?? 'GET', route, status, seconds: (performance.now() - started) / 1000 });
  }
}
