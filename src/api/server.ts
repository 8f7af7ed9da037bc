import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { BerthError, invalidArgument, notFound } from '../core/errdefs.js';
import { statusOf } from './errors.js';
import { sendJson, setUpgradeBody, type RequestContext } from './http.js';
import type { Router } from './router.js';

import { API_VERSION, MIN_API_VERSION, SERVER_VERSION } from './types/version.js';

const COMMON_HEADERS = {
  'Api-Version': API_VERSION,
  'Docker-Experimental': 'false',
  Ostype: 'linux',
  Server: `Docker/${SERVER_VERSION} (linux)`,
};

const VERSION_PREFIX = /^\/v(\d+\.\d+)(\/.*)$/;

function compareVersions(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number) as [number, number];
  const [bm, bn] = b.split('.').map(Number) as [number, number];
  return am - bm || an - bn;
}

/** Splits `/v1.41/containers/json` into version and path, enforcing the supported range. */
function parsePath(rawPath: string): { version: string; path: string } {
  const m = VERSION_PREFIX.exec(rawPath);
  if (m === null) return { version: API_VERSION, path: rawPath };
  const version = m[1]!;
  if (compareVersions(version, API_VERSION) > 0) {
    throw invalidArgument(`client version ${version} is too new. Maximum supported API version is ${API_VERSION}`);
  }
  if (compareVersions(version, MIN_API_VERSION) < 0) {
    throw invalidArgument(`client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`);
  }
  return { version, path: m[2]! };
}

/** Told about every request once it is answered (metrics). `route` is the registered pattern, so labels stay few. */
export type RequestObserver = (r: { method: string; route: string; status: number; seconds: number }) => void;

export interface ApiServerOptions {
  log: (msg: string) => void;
  debug?: () => boolean;
  observe?: RequestObserver;
}

/** The Engine API HTTP server: routing, version prefixes, Docker's headers and error bodies. */
export function createApiServer(router: Router, opts: ApiServerOptions): Server {
  const { log, debug = () => false } = opts;
  const observe = opts.observe ?? (() => undefined);
  const server = createServer({ keepAliveTimeout: 5000 }, (req, res) => {
    if (debug()) log(`${req.method} ${req.url}`);
    for (const [k, v] of Object.entries(COMMON_HEADERS)) res.setHeader(k, v);
    void dispatch(router, req, { res }, log, observe);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (debug()) log(`${req.method} ${req.url} (upgrade)`);
    if (head.length > 0) socket.unshift(head);
    // An upgraded request's body is on the raw socket, ahead of the client's stream data.
    void readUpgradeBody(socket, Number(req.headers['content-length'] ?? 0)).then((body) => {
      setUpgradeBody(req, body);
      return dispatch(router, req, { socket }, log, observe);
    }, () => socket.destroy());
  });
  return server;
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

async function dispatch(router: Router, req: IncomingMessage, target: { res?: ServerResponse; socket?: Duplex }, log: (msg: string) => void, observe: RequestObserver): Promise<void> {
  let hijacked = false;
  let route = 'unmatched';
  let status = 0;
  const started = performance.now();
  try {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const { version, path } = parsePath(url.pathname);
    const m = router.match(req.method ?? 'GET', path);
    if (m === undefined) throw notFound(`page not found`);
    if (m === 'method') throw new BerthError('NotFound', `page not found`);
    route = m.route;
    const ctx: RequestContext = { req, res: target.res, params: m.params, query: url.searchParams, apiVersion: version };
    if (target.socket) {
      const socket = target.socket;
      ctx.hijack = (contentType: string) => {
        hijacked = true;
        // A client that goes away (detach, Ctrl-C) surfaces as EPIPE/ECONNRESET: never fatal.
        socket.on('error', () => socket.destroy());
        socket.write(
          `HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n` +
            Object.entries(COMMON_HEADERS).map(([k, v]) => `${k}: ${v}\r\n`).join('') +
            '\r\n',
        );
        return socket;
      };
    }
    const body = await m.handler(ctx);
    if (target.res && !target.res.headersSent) {
      if (body === undefined) {
        target.res.writeHead(req.method === 'POST' ? 204 : 200);
        target.res.end();
      } else {
        sendJson(target.res, target.res.statusCode, body); // 200 unless the handler set one (201 on create)
      }
    }
    status = hijacked ? 101 : (target.res?.statusCode ?? 200);
  } catch (err) {
    status = statusOf(err);
    const message = err instanceof Error ? err.message : String(err);
    if (status >= 500) log(`${req.method} ${req.url}: ${err instanceof Error ? (err.stack ?? message) : message}`);
    if (target.res) {
      if (target.res.headersSent) target.res.destroy();
      else if (status === 304) {
        target.res.writeHead(304);
        target.res.end();
      } else sendJson(target.res, status, { message });
    } else if (target.socket && !hijacked) {
      const body = JSON.stringify({ message }) + '\n';
      target.socket.end(`HTTP/1.1 ${status} Error\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nApi-Version: ${API_VERSION}\r\n\r\n${body}`);
    } else {
      target.socket?.destroy();
    }
  } finally {
    observe({ method: req.method ?? 'GET', route, status, seconds: (performance.now() - started) / 1000 });
  }
}
