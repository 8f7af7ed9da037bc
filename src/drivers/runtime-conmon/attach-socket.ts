import { closeSync, constants, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { SeqpacketSocket as SeqpacketSocketType } from 'node-unix-socket';
import type { StdioSession } from '../../core/runtime.js';
import { CLIENT_BACKLOG_MAX } from '../../lib/client-backlog.js';

/** conmon silently truncates input packets over 32 KiB: write in chunks no larger. */
const MAX_INPUT_PACKET = 32 * 1024;
/** Stream bytes of conmon's output packets. */
const STREAMS: Record<number, 'stdout' | 'stderr' | undefined> = { 2: 'stdout', 3: 'stderr' };

// Loaded on first use: the binding is a native addon, and most daemon paths never need it.
let ctor: typeof SeqpacketSocketType | undefined;
function seqpacketSocket(): SeqpacketSocketType {
  ctor ??= (createRequire(import.meta.url)('node-unix-socket') as { SeqpacketSocket: typeof SeqpacketSocketType }).SeqpacketSocket;
  return new ctor();
}

/**
 * Connects to conmon's attach socket (SOCK_SEQPACKET; Node's `net` cannot). Each output packet
 * is one stream byte (2 stdout, 3 stderr) and the data; input is written as is. conmon closes
 * the process's stdin when a connection half-closes or closes, unless it runs with
 * `--leave-stdin-open`.
 */
export async function connectAttachSocket(dir: string): Promise<StdioSession> {
  // Socket paths are limited to 108 bytes; /proc/self/fd/N/attach is short whatever `dir` is.
  const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    return await connectPath(`/proc/self/fd/${fd}/attach`);
  } finally {
    closeSync(fd);
  }
}

function connectPath(path: string): Promise<StdioSession> {
  return new Promise((resolve, reject) => {
    const sock = seqpacketSocket();
    let connected = false;
    let ended = false;
    const endCbs: Array<() => void> = [];
    const outCbs: Array<(stream: 'stdout' | 'stderr', data: Buffer) => void> = [];
    // The process may write as soon as it starts, before its caller has subscribed (the exec's
    // start answers the pid first): what comes before the first subscriber is kept for it.
    let early: Array<{ stream: 'stdout' | 'stderr'; data: Buffer }> | undefined = [];
    let earlyBytes = 0;
    const end = (): void => {
      if (ended) return;
      ended = true;
      for (const cb of endCbs) cb();
    };
    sock.on('data', (buf: Buffer) => {
      const stream = STREAMS[buf[0]!];
      if (stream === undefined || buf.length < 2) return;
      const data = buf.subarray(1);
      if (early !== undefined) {
        earlyBytes += data.length;
        // A caller that never subscribes (a detached exec closes at once) must not make berthd hold its output.
        if (earlyBytes <= CLIENT_BACKLOG_MAX) early.push({ stream, data: Buffer.from(data) });
        return;
      }
      for (const cb of outCbs) cb(stream, data);
    });
    sock.on('end', () => {
      end();
      sock.destroy();
    });
    sock.on('close', end);
    sock.on('error', (err: Error) => {
      if (!connected) reject(err);
      end();
    });
    const session: StdioSession = {
      onOutput(cb) {
        outCbs.push(cb);
        const kept = early ?? [];
        early = undefined;
        for (const o of kept) cb(o.stream, o.data);
      },
      onEnd: (cb) => (ended ? cb() : void endCbs.push(cb)),
      write(data) {
        if (ended) return;
        for (let off = 0; off < data.length; off += MAX_INPUT_PACKET) {
          sock.write(Buffer.from(data.subarray(off, off + MAX_INPUT_PACKET)));
        }
      },
      closeStdin() {
        if (!ended) sock.end();
      },
      close() {
        sock.destroy();
        end();
      },
    };
    try {
      sock.connect(path, () => {
        connected = true;
        resolve(session);
      });
    } catch (err) {
      reject(err as Error);
    }
  });
}
