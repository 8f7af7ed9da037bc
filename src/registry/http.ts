import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';
import { unavailable } from '../lib/errdefs.js';

export interface HttpOptions {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: Buffer | Readable;
  /** Extra CA certificates (certs.d) for https; the system roots stay trusted. */
  ca?: Buffer[];
  /** https without certificate verification (an insecure registry, as Docker's InsecureSkipVerify). */
  insecure?: boolean;
  /** An idle socket for this long (connect, headers or body) fails the request. */
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
  /** The URL that answered (after redirects). */
  url: URL;
}

const MAX_REDIRECTS = 5;

/**
 * One HTTP(S) request with an idle timeout that also covers the response body, so a registry
 * that stops answering half-way fails the pull instead of hanging it. GET/HEAD redirects are
 * followed (blob storage often redirects); Authorization is dropped when the origin (scheme,
 * host, port) changes, so credentials never follow a redirect to another server or to plain HTTP.
 */
export async function send(opts: HttpOptions): Promise<HttpResponse> {
  let url = opts.url;
  let headers = { ...opts.headers };
  for (let hops = 0; ; hops++) {
    const res = await once({ ...opts, url, headers });
    const loc = res.headers.location;
    if (res.status >= 300 && res.status < 400 && loc && (opts.method === 'GET' || opts.method === 'HEAD') && hops < MAX_REDIRECTS) {
      res.body.resume();
      const next = new URL(loc, url);
      if (next.origin !== url.origin) {
        const { Authorization: _drop, ...rest } = headers;
        headers = rest;
      }
      url = next;
      continue;
    }
    return res;
  }
}

function once(opts: HttpOptions): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const tls = opts.url.protocol === 'https:';
    const make = tls ? httpsRequest : httpRequest;
    const req = make(opts.url, {
      method: opts.method,
      headers: { 'User-Agent': 'berth/0.1 (docker-compatible)', ...opts.headers },
      ...(tls && opts.ca?.length ? { ca: [...rootCerts(), ...opts.ca.map((c) => c.toString())] } : {}),
      ...(tls && opts.insecure ? { rejectUnauthorized: false } : {}),
    });
    req.setTimeout(opts.timeoutMs, () => {
      req.destroy(unavailable(`${opts.method} ${opts.url.href}: net/http: request canceled (Client.Timeout exceeded after ${opts.timeoutMs / 1000}s)`));
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      reject(err.name === 'BerthError' ? err : unavailable(`${opts.method} ${opts.url.href}: ${err.message}`));
    });
    req.on('response', (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, url: opts.url }));
    const body = opts.body;
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else {
      body.on('error', (err) => req.destroy(err));
      body.pipe(req);
    }
  });
}

function rootCerts(): readonly string[] {
  return rootCertificates;
}

/**
 * A whole response body, at most `limit` bytes: a larger declared Content-Length is refused
 * before reading, a longer body as soon as it passes the limit (`tooLarge` makes the error).
 */
export async function readBody(
  res: HttpResponse,
  limit = 16 << 20,
  tooLarge = (n: number): Error => unavailable(`${res.url.href}: response larger than ${limit} bytes (${n} or more)`),
): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  if (declared > limit) {
    res.body.destroy();
    throw tooLarge(declared);
  }
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res.body) {
    n += (c as Buffer).length;
    if (n > limit) {
      res.body.destroy();
      throw tooLarge(n);
    }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}
