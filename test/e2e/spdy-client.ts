import { request } from 'node:http';
import { SpdySession, type SpdyStream } from '../../src/lib/spdy/session.js';

/** What an upgrade request came back with: a SPDY session (101) or the refusal's status and body. */
export type SpdyDial = { session: SpdySession; protocol: string } | { status: number; body: string };

/** Opens a streaming URL as the kubelet's clients do: POST with `Upgrade: SPDY/3.1` and the protocol versions it offers. */
export function spdyDial(url: string, protocols: string[]): Promise<SpdyDial> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': protocols, 'Content-Length': '0' },
    });
    req.on('upgrade', (res, socket, head) => {
      if (head.length > 0) socket.unshift(head);
      resolve({ session: new SpdySession(socket, { server: false }), protocol: String(res.headers['x-stream-protocol-version']) });
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Everything a stream carries until its end. */
export function readAll(s: SpdyStream): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    s.on('data', (d: Buffer) => (text += d.toString()));
    s.on('end', () => resolve(text));
    s.on('error', () => resolve(text));
  });
}
