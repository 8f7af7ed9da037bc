/**
 * Raw HTTP over the daemon's unix socket, for requests a well-behaved client cannot send
 * (broken framing, huge or slow headers, half-written bodies) and for many requests at once.
 */
import { Agent, get, request } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  /** The status of the first response, 0 when the server closed without answering. */
  status: number;
  /** The whole text the server sent (headers and body). */
  text: string;
}

/** Writes `data` to a fresh connection (in pieces, with `pause` ms between them), reads until the server closes (or `ms`). */
export function rawExchange(
  socketPath: string,
  data: string | Buffer | Array<string | Buffer>,
  opts: { pause?: number; ms?: number } = {},
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const s = connect(socketPath);
    const chunks: Buffer[] = [];
    const finish = (): void => {
      clearTimeout(timer);
      s.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : 0, text });
    };
    const timer = setTimeout(finish, opts.ms ?? 10_000);
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      // One answer is all a test needs: stop at the end of the first response.
      const text = Buffer.concat(chunks).toString('latin1');
      const head = text.indexOf('\r\n\r\n');
      const len = /\r\nContent-Length: (\d+)/i.exec(text.slice(0, head));
      if (head >= 0 && len && text.length >= head + 4 + Number(len[1])) finish();
    });
    s.on('error', () => undefined);
    s.on('close', finish);
    const parts = Array.isArray(data) ? data : [data];
    void (async () => {
      for (const p of parts) {
        if (s.destroyed) return;
        s.write(p);
        if (opts.pause) await new Promise((r) => setTimeout(r, opts.pause));
      }
    })();
  });
}

/** An open connection a test controls (slowloris, half-written requests). */
export function openRaw(socketPath: string): Promise<Socket & { received: () => string; ended: () => boolean }> {
  return new Promise((resolve, reject) => {
    const s = connect(socketPath);
    let text = '';
    let closed = false;
    s.on('data', (d: Buffer) => (text += d.toString('latin1')));
    s.on('close', () => (closed = true));
    s.on('error', () => undefined);
    s.once('connect', () => resolve(Object.assign(s, { received: () => text, ended: () => closed })));
    s.once('error', reject);
  });
}

export interface ApiCall {
  method: string;
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

/** A keep-alive client for many requests at once: resolves with the status and the parsed `message`. */
export function keepAliveClient(
  socketPath: string,
  maxSockets = 16,
): { call: (c: ApiCall) => Promise<{ status: number; message: string; json: unknown }>; close: () => void } {
  const agent = new Agent({ keepAlive: true, maxSockets });
  return {
    call: (c) =>
      new Promise((resolve, reject) => {
        const headers: Record<string, string> = { ...c.headers };
        if (c.body !== undefined) {
          headers['Content-Type'] ??= 'application/json';
          headers['Content-Length'] ??= String(Buffer.byteLength(c.body));
        }
        const req = request({ socketPath, agent, method: c.method, path: c.path, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            let json: unknown;
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
            const message = json === undefined ? text : ((json as { message?: string } | null)?.message ?? '');
            resolve({ status: res.statusCode ?? 0, message, json });
          });
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(c.body);
      }),
    close: () => agent.destroy(),
  };
}

/** Runs `count` calls from `next(i)` with at most `concurrency` in flight. */
export async function runMany<T>(count: number, concurrency: number, next: (i: number) => Promise<T>, check: (r: T, i: number) => void): Promise<void> {
  let i = 0;
  const worker = async (): Promise<void> => {
    while (i < count) {
      const n = i++;
      check(await next(n), n);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

export function rssKiB(pid: number, status: string): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (m === null) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]);
}

/** A GET whose body is binary (tar). */
export function rawGet(socketPath: string, path: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get({ socketPath, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}
