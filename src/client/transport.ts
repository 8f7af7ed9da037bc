import { request, type ClientRequest, type IncomingMessage, type IncomingHttpHeaders, type RequestOptions as HttpRequestOptions } from 'node:http';
import { request as tlsRequest } from 'node:https';
import type { Duplex, Readable } from 'node:stream';
import { DaemonError } from './errors.js';
import { API_VERSION } from '../api/types/version.js';

/** Client TLS as docker's `--tls`/`--tlsverify`: `verify` checks the daemon's cert against `ca`; `cert`/`key` identify us. */
export interface ClientTls {
  verify: boolean;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export type Endpoint = { socketPath: string } | { hostname: string; port: number; tls?: ClientTls };

/** `unix:///run/berth.sock`, a bare path, or `tcp://host:port` (HTTPS when `tls` is given; port 2376 with TLS, 2375 without). */
export function parseHost(host: string, tls?: ClientTls): Endpoint {
  const t = /^tcp:\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(host);
  if (t !== null) return { hostname: t[1]!.replace(/^\[|\]$/g, ''), port: t[2] === undefined ? (tls ? 2376 : 2375) : Number(t[2]), tls };
  const m = /^unix:\/\/(\/.*)$/.exec(host) ?? /^(\/.*)$/.exec(host);
  if (m === null) throw new Error(`unsupported host "${host}": use unix:///path/to.sock or tcp://host:port`);
  return { socketPath: m[1]! };
}

function describe(ep: Endpoint): string {
  return 'socketPath' in ep ? `unix://${ep.socketPath}` : `tcp://${ep.hostname}:${ep.port}`;
}

/** Opens a request to the endpoint: over the unix socket, plain TCP, or TLS. */
function open(ep: Endpoint, opts: HttpRequestOptions): ClientRequest {
  // No TLS server name to work out for a socket: Node would otherwise test the Host header with
  // its IPv6 pattern, whose first use costs the CLI several milliseconds of regexp compilation.
  if ('socketPath' in ep) return request({ ...opts, socketPath: ep.socketPath, servername: '' } as HttpRequestOptions);
  const where = { ...opts, host: ep.hostname, port: ep.port };
  if (ep.tls === undefined) return request(where);
  const { verify, ca, cert, key } = ep.tls;
  return tlsRequest({ ...where, ca, cert, key, rejectUnauthorized: verify, agent: false });
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  stream: IncomingMessage;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | string[] | undefined>;
  body?: unknown;
  /** A stream to send as the body (import, load, build). */
  bodyStream?: Readable;
  headers?: Record<string, string>;
  /** The API version to speak for this request when it needs a newer one than the default (e.g. `image ls --tree`: manifests from 1.47). */
  apiVersion?: string;
}

export function buildPath(path: string, query?: RequestOptions['query']): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined) continue;
    if (Array.isArray(v)) v.forEach((x) => q.append(k, x));
    else q.set(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  }
  const qs = q.toString();
  return qs ? `${path}?${qs}` : path;
}

/**
 * The API version the CLI speaks: its newest, or `DOCKER_API_VERSION` as the docker CLI honours it
 * (a pinned version, no negotiation; the daemon refuses one outside its window).
 */
function apiVersion(): string {
  const pinned = process.env.DOCKER_API_VERSION ?? '';
  return /^\d+\.\d+$/.test(pinned) ? pinned : API_VERSION;
}

const daemonDown = (ep: Endpoint): Error => new Error(`Cannot connect to the berth daemon at ${describe(ep)}. Is the berth daemon running?`);

/** One HTTP request over the unix socket; the response body is left for the caller to read. */
export function send(ep: Endpoint, method: string, path: string, opts: RequestOptions = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const json = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const headers: Record<string, string> = { ...opts.headers };
    if (json !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.bodyStream) headers['Content-Type'] ??= 'application/x-tar';
    const req = open(ep, { method, path: `/v${opts.apiVersion ?? apiVersion()}${buildPath(path, opts.query)}`, headers });
    req.on('error', (err: NodeJS.ErrnoException) => reject(err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? daemonDown(ep) : err));
    req.on('response', (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, stream: res }));
    if (opts.bodyStream) opts.bodyStream.pipe(req);
    else req.end(json);
  });
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Turns a non-2xx response into the BerthError of the matching kind, with the daemon's message. */
export async function checkStatus(res: RawResponse): Promise<RawResponse> {
  if (res.status < 400) return res;
  const text = (await readAll(res.stream)).toString();
  let message = text.trim();
  try {
    message = (JSON.parse(text) as { message?: string }).message ?? message;
  } catch {
    // not JSON: keep the text
  }
  throw new DaemonError(res.status, message);
}

/** Upgrades the connection (attach, exec start) and resolves with the raw bidirectional socket. */
export function hijack(ep: Endpoint, path: string, query: RequestOptions['query'], body?: unknown): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const json = body === undefined ? '' : JSON.stringify(body);
    const req = open(ep, {
      method: 'POST',
      path: `/v${apiVersion()}${buildPath(path, query)}`,
      headers: { Connection: 'Upgrade', Upgrade: 'tcp', 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) },
    });
    req.on('error', (err: NodeJS.ErrnoException) => reject(err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? daemonDown(ep) : err));
    req.on('upgrade', (_res, socket, head) => {
      if (head.length > 0) socket.unshift(head);
      resolve(socket);
    });
    req.on('response', (res) => {
      void checkStatus({ status: res.statusCode ?? 0, headers: res.headers, stream: res }).then(
        () => reject(new Error(`attach: the daemon did not upgrade the connection (status ${res.statusCode})`)),
        reject,
      );
    });
    req.end(json);
  });
}
