import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';

/**
 * The helper that connects inside a network namespace: Node, started in the namespace by
 * `nsenter --net=…`, opens each connection and hands the connected socket back over its IPC
 * channel (the descriptor is passed, so berthd then holds a plain socket; the helper never reads
 * from it). It tries 127.0.0.1, then ::1, as containerd does, and ends with its channel.
 */
const HELPER = `
const net = require('node:net');
const codes = { ECONNREFUSED: 'connection refused', ENETUNREACH: 'network is unreachable', EADDRNOTAVAIL: 'cannot assign requested address', ETIMEDOUT: 'connection timed out' };
const dial = (port, host) => new Promise((resolve, reject) => {
  const s = new net.Socket();
  s.pause();
  s.once('error', (e) => { s.destroy(); reject(e); });
  s.connect({ port, host }, () => resolve(s));
});
process.on('message', async (m) => {
  const why = [];
  for (const [family, host, shown] of [['tcp4', '127.0.0.1', '127.0.0.1'], ['tcp6', '::1', '[::1]']]) {
    try {
      const s = await dial(m.port, host);
      s.removeAllListeners('error');
      process.send({ id: m.id }, s);
      return;
    } catch (e) {
      why.push('dial ' + family + ' ' + shown + ':' + m.port + ': connect: ' + (codes[e.code] || e.message));
    }
  }
  process.send({ id: m.id, error: 'IPv4: ' + why[0] + ' IPv6 ' + why[1] });
});
process.on('disconnect', () => process.exit(0));
`;

export interface NetnsDialer {
  /** A TCP connection to localhost:`port` inside the namespace. */
  dial(port: number): Promise<Socket>;
  close(): void;
}

/** A dialer into the network namespace at `netnsPath`; its helper starts with the first dial and ends with `close`. */
export function netnsDialer(netnsPath: string): NetnsDialer {
  let helper: ChildProcess | undefined;
  let seq = 0;
  const waiting = new Map<number, { resolve: (s: Socket) => void; reject: (e: Error) => void }>();
  const failAll = (why: string): void => {
    for (const w of waiting.values()) w.reject(new Error(why));
    waiting.clear();
  };
  const start = (): ChildProcess => {
    // The CA bundle variable would make the helper read it at start-up for nothing.
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    delete env.NODE_OPTIONS;
    // The namespace's path is the helper's argument too, so ps shows what it serves.
    const child = spawn('nsenter', [`--net=${netnsPath}`, '--', process.execPath, '-e', HELPER, netnsPath], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env,
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    child.on('message', (msg: { id: number; error?: string }, handle?: Socket) => {
      const w = waiting.get(msg.id);
      waiting.delete(msg.id);
      if (w === undefined) return void handle?.destroy();
      if (handle) w.resolve(handle);
      else w.reject(new Error(msg.error ?? 'no connection'));
    });
    child.on('error', (err) => failAll(`cannot enter network namespace ${netnsPath}: ${err.message}`));
    child.on('exit', () => {
      helper = undefined;
      failAll(`failed to enter network namespace ${netnsPath}: ${stderr.trim() || 'helper ended'}`);
    });
    return child;
  };
  return {
    dial(port) {
      helper ??= start();
      const id = ++seq;
      const h = helper;
      return new Promise<Socket>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        h.send({ id, port }, (err) => err && (waiting.delete(id), reject(err)));
      });
    },
    close() {
      helper?.kill('SIGKILL');
      helper = undefined;
    },
  };
}
