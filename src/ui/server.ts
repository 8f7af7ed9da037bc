import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type ServerOptions as TlsServerOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { messageOf, notFound } from '../lib/errdefs.js';
import { statusOf } from '../api/errors.js';
import { sendJson } from '../api/http.js';
import { Router } from '../api/router.js';
import { sendMetrics } from '../metrics/server.js';
import { authenticate, sameOrigin, sessionCookie } from './auth.js';
import type { UiDeps } from './deps.js';
import { containerRoutes } from './routes/containers.js';
import { resourceRoutes } from './routes/resources.js';
import { streamRoutes } from './routes/streams.js';
import { serveStatic } from './static.js';
import { openTerminal } from './terminal.js';

const HEADERS = {
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
};

const TERMINAL = /^\/ui\/api\/containers\/([^/]+)\/terminal$/;

const UNAUTHORIZED =
  'unauthorized: open the dashboard at the address berthd logged, with ?token=<token>, or send Authorization: Bearer <token> (the token is in <exec-root>/ui-token)';

/**
 * The dashboard's listener: the page (static files), its JSON and event-stream API under
 * /ui/api/, the terminal websocket and /metrics — every one of them behind the token. With `tls`
 * (mutual TLS, as the API's --tlsverify) it serves HTTPS to clients with a certificate from the
 * API's CA only, and such a certificate stands in for the token.
 */
export function createUiServer(deps: UiDeps, tls?: TlsServerOptions): Server {
  const router = new Router();
  containerRoutes(router, deps.containers);
  streamRoutes(router, deps.containers, deps.events);
  resourceRoutes(router, deps);

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    for (const [k, v] of Object.entries(HEADERS)) res.setHeader(k, v);
    handle(deps, router, req, res).catch((err: Error) => fail(deps, req, res, err));
  };
  // https.Server serves the same requests as http.Server (Node's types keep them apart).
  const server = tls ? (createTlsServer(tls, onRequest) as unknown as Server) : createServer(onRequest);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (authenticate(req, url, deps.token) === undefined) return refuse(socket, 401, UNAUTHORIZED);
      if (!sameOrigin(req)) return refuse(socket, 403, 'cross-origin websocket refused');
      const m = TERMINAL.exec(url.pathname);
      if (m === null) return refuse(socket, 404, 'page not found');
      openTerminal(deps.containers, decodeURIComponent(m[1]!), req, socket, head, url.searchParams);
    } catch (err) {
      refuse(socket, statusOf(err), (err as Error).message);
    }
  });
  return server;
}

async function handle(deps: UiDeps, router: Router, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const api = url.pathname.startsWith('/ui/api/') || url.pathname === '/metrics';
  const how = authenticate(req, url, deps.token);
  if (how === undefined) {
    if (api) sendJson(res, 401, { message: UNAUTHORIZED });
    else res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`401 ${UNAUTHORIZED}\n`);
    return;
  }
  if (how === 'query') {
    res.setHeader('Set-Cookie', sessionCookie(req, deps.token));
    if (req.method === 'GET' && !api) {
      // Drop the token from the address bar (and history) once the cookie carries it.
      url.searchParams.delete('token');
      res.writeHead(303, { Location: url.pathname + url.search }).end();
      return;
    }
  }
  if (req.method !== 'GET' && req.method !== 'HEAD' && !sameOrigin(req)) {
    sendJson(res, 403, { message: 'cross-origin request refused' });
    return;
  }
  if (url.pathname === '/metrics') return sendMetrics(deps.metrics, res);
  if (!api) return serveStatic(deps.assets, url.pathname, res);
  const m = router.match(req.method ?? 'GET', url.pathname);
  if (m === undefined || m === 'method') throw notFound('page not found');
  const body = await m.handler({ req, res, params: m.params, query: url.searchParams, apiVersion: '' });
  if (res.headersSent) return;
  if (body === undefined) res.writeHead(204).end();
  else sendJson(res, 200, body);
}

function fail(deps: UiDeps, req: IncomingMessage, res: ServerResponse, err: Error): void {
  const status = statusOf(err);
  if (status >= 500) deps.log(`ui: ${req.method} ${req.url}: ${err.stack ?? err.message}`);
  if (res.headersSent) res.destroy();
  else sendJson(res, status, { message: messageOf(err) });
}

function refuse(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ message }) + '\n';
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
