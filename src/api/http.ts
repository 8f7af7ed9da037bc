import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { invalidArgument } from '../core/errdefs.js';

/**
 * What a route handler gets: the parsed request, and ways to answer. `hijack` is set for
 * requests that asked to upgrade the connection (attach, exec start): it sends `101 UPGRADED`
 * and hands over the raw socket, as Docker's API does.
 */
export interface RequestContext {
  req: IncomingMessage;
  res?: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  apiVersion: string;
  hijack?: (contentType: string) => Duplex;
}

/** Bodies of upgraded requests (attach, exec start), read off the raw socket by the server. */
const upgradeBodies = new WeakMap<IncomingMessage, Buffer>();

export function setUpgradeBody(req: IncomingMessage, body: Buffer): void {
  upgradeBodies.set(req, body);
}

export async function readBody(req: IncomingMessage, limit = 16 * 1024 * 1024): Promise<Buffer> {
  const upgraded = upgradeBodies.get(req);
  if (upgraded !== undefined) return upgraded;
  const chunks: Buffer[] = [];
  let len = 0;
  for await (const chunk of req) {
    len += (chunk as Buffer).length;
    if (len > limit) throw invalidArgument('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body; a malformed or half-written one is a 400, as in Docker. */
export async function readJson<T>(req: IncomingMessage): Promise<T | undefined> {
  const body = await readBody(req);
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch (err) {
    throw invalidArgument(`invalid JSON: ${(err as Error).message}`);
  }
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

/** Asserts a decoded body field has the expected JSON type (Docker answers 400 otherwise). */
export function expectType(value: unknown, type: 'object' | 'string' | 'array' | 'boolean' | 'number', field: string): void {
  if (value === undefined || value === null) return;
  const ok = type === 'array' ? Array.isArray(value) : type === 'object' ? typeof value === 'object' && !Array.isArray(value) : typeof value === type;
  if (!ok) throw invalidArgument(`json: cannot unmarshal ${Array.isArray(value) ? 'array' : typeof value} into Go struct field ${field} of type ${type}`);
}
