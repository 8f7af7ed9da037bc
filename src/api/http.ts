import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { invalidArgument, notImplemented, tooLarge } from '../lib/errdefs.js';
import { parseMediaType } from '../lib/media-type.js';
import { decodeAs, nestsDeeperThan, type JsonType } from './decode.js';
import { at } from './versions.js';

/**
 * What a route handler gets: the parsed request, and ways to answer. `hijack` is set for
 * requests that asked to upgrade the connection (attach, exec start): it sends `101 UPGRADED`
 * and hands over the raw socket, as Docker's API does. With `upgrade` (BuildKit's `h2c` on
 * `/grpc` and `/session`) it answers `101 Switching Protocols` naming that protocol, as dockerd does.
 */
export interface RequestContext {
  req: IncomingMessage;
  res?: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  apiVersion: string;
  hijack?: (contentType: string, upgrade?: string) => Duplex;
}

/** Bodies of upgraded requests (attach, exec start), read off the raw socket by the server. */
const upgradeBodies = new WeakMap<IncomingMessage, Buffer>();

export function setUpgradeBody(req: IncomingMessage, body: Buffer): void {
  upgradeBodies.set(req, body);
}

/** The most a JSON request body may hold (Docker's largest real ones, create and update, are a few KiB). */
export const JSON_BODY_LIMIT = 4 * 1024 * 1024;
/** A JSON body that stops arriving for this long is abandoned (a half-written request holds nothing for ever). */
const BODY_IDLE_MS = 30_000;

export const bodyTooLarge = (): Error => tooLarge(`request body too large: the limit is ${JSON_BODY_LIMIT} bytes`);

/**
 * Reads a whole (JSON) request body as text, refusing more than `limit` bytes: a declared
 * Content-Length over it is refused before reading, a chunked body as soon as it passes it.
 *
 * Each chunk is decoded as it comes, so the socket's buffers (malloc'ed) die young: kept for a
 * Buffer.concat they outlived scavenges, and the malloc heap they were finally freed into stayed
 * fragmented — RSS ≈ 60 MB above its start after 64 chunked 10 MB bodies, with the JS heap back
 * to its size. The text lives in V8's own pages, which V8 gives back when idle
 * (docs/reliability.md has the figures).
 */
export function readBodyText(req: IncomingMessage, limit = JSON_BODY_LIMIT): Promise<string> {
  const upgraded = upgradeBodies.get(req);
  if (upgraded !== undefined) return Promise.resolve(upgraded.toString('utf8'));
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.reject(bodyTooLarge());
  return new Promise((resolve, reject) => {
    const decoder = new StringDecoder('utf8');
    let parts: string[] = [];
    let len = 0;
    const idle = setTimeout(() => {
      finish(invalidArgument('timed out reading the request body'));
      req.destroy();
    }, BODY_IDLE_MS);
    const onData = (chunk: Buffer): void => {
      idle.refresh();
      len += chunk.length;
      if (len > limit) finish(bodyTooLarge());
      else parts.push(decoder.write(chunk));
    };
    const onClose = (): void => finish(invalidArgument('the client closed the connection before sending the whole request body'));
    const finish = (err?: Error): void => {
      clearTimeout(idle);
      req.off('data', onData).off('end', finish).off('error', finish).off('close', onClose);
      const text = err === undefined ? parts.join('') + decoder.end() : '';
      parts = [];
      if (err === undefined) resolve(text);
      else reject(err);
    };
    req.on('data', onData).once('end', finish).once('error', finish).once('close', onClose);
  });
}

/**
 * dockerd's `CheckForJSON`: a request that has a body (a non-zero Content-Length, or chunked) or
 * names a Content-Type must name `application/json` (parameters allowed). So a browser cannot
 * drive the API with a "simple" cross-site POST (text/plain, a form, or a typeless Blob body).
 */
export function checkForJson(req: IncomingMessage): void {
  const ct = req.headers['content-type'] ?? '';
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) !== 0;
  if (ct === '' && !hasBody) return;
  const media = parseMediaType(ct);
  if ('error' in media) throw invalidArgument(`malformed Content-Type header (${ct}): ${media.error}`);
  if (media.type !== 'application/json') throw invalidArgument(`unsupported Content-Type header (${ct}): must be 'application/json'`);
}

/**
 * Parses a JSON body and checks it against its shape (`bodies.ts`); a wrong Content-Type, or a
 * malformed, half-written or mistyped body is a 400, as in Docker. An empty body is undefined.
 */
export async function readJson<T>(req: IncomingMessage, shape: JsonType): Promise<T | undefined> {
  checkForJson(req);
  const text = await readBodyText(req);
  if (text.length === 0) return undefined;
  return parseJson<T>(text, shape);
}

export function parseJson<T>(text: string, shape: JsonType): T | undefined {
  let value: unknown;
  if (nestsDeeperThan(text)) throw invalidArgument('invalid JSON: exceeded max depth');
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalidArgument(`invalid JSON: ${(err as Error).message}`);
  }
  return (decodeAs(value, shape) ?? undefined) as T | undefined;
}

/** Docker's query booleans: 1/true/True/yes are true; absent, empty, 0 and false are false. */
export function queryBool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null) return false;
  return !['', '0', 'false', 'False', 'FALSE', 'no'].includes(v);
}

export function queryInt(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw invalidArgument(`invalid value for ${name}: ${v}`);
  return n;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body) + '\n';
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) });
  res.end(data);
}

/** The prune endpoints' `stream` (1.56): berth answers only the single report, so it refuses to stream rather than answer another shape. */
export function refuseStreamedPrune(ctx: RequestContext): void {
  if (at(ctx.apiVersion, 'pruneStream') && queryBool(ctx.query, 'stream'))
    throw notImplemented('streaming prune results (stream=true) is not supported by berth');
}
