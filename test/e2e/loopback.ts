/** Loopback helpers for tests of published ports: a free port, a plain GET. */
import { get } from 'node:http';
import { createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 right now (the kernel's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

export function fetchText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}
