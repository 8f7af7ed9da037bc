import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** A fresh dashboard token (256 bits), made at every start of berthd. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** One cookie per listener port: two daemons on 127.0.0.1 must not overwrite each other's. */
export function cookieName(req: IncomingMessage): string {
  return `berth_ui_${req.socket.localPort ?? 0}`;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/**
 * How a request proved who it is: a client certificate the listener verified (mutual TLS, when the
 * API uses --tlsverify), or the token — `Authorization: Bearer`, the session cookie, or `?token=`
 * (once: the answer sets the cookie). undefined: it did not (401).
 */
export function authenticate(req: IncomingMessage, url: URL, token: string): 'certificate' | 'header' | 'cookie' | 'query' | undefined {
  if ((req.socket as Partial<TLSSocket>).authorized === true) return 'certificate';
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ') && same(auth.slice(7).trim(), token)) return 'header';
  const cookie = cookieValue(req, cookieName(req));
  if (cookie !== undefined && same(cookie, token)) return 'cookie';
  const q = url.searchParams.get('token');
  if (q !== null && same(q, token)) return 'query';
  return undefined;
}

/** The session cookie: not readable by scripts, never sent by other sites. */
export function sessionCookie(req: IncomingMessage, token: string): string {
  return `${cookieName(req)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

/**
 * A state-changing request or a websocket must come from the dashboard's own origin (when the
 * browser says where it comes from): a second guard against cross-site requests after SameSite.
 */
export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
