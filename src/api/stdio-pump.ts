import type { Duplex, Writable } from 'node:stream';
import type { StdioSession } from '../core/runtime.js';
import { detachScanner, parseDetachKeys, DEFAULT_DETACH_KEYS } from './detach-keys.js';
import { CLIENT_BACKLOG_MAX } from '../lib/client-backlog.js';
import { frame, STDERR, STDOUT, writeChunk } from './stream.js';

export interface InputSink {
  write(data: Buffer): void;
  /** The client's EOF: forwarded when the process should see it. */
  closeStdin(): void;
}

/**
 * Copies a hijacked client's input to a process's stdin, watching for the detach keys.
 * Resolves 'detached' when they were typed, 'eof' when the client half-closed, 'gone' when
 * the connection closed.
 */
export function pumpInput(conn: Duplex, sink: InputSink, detachKeys: string | undefined): Promise<'detached' | 'eof' | 'gone'> {
  const scan = detachScanner(parseDetachKeys(detachKeys || DEFAULT_DETACH_KEYS));
  return new Promise((resolve) => {
    const finish = (how: 'detached' | 'eof' | 'gone'): void => {
      conn.off('data', onData);
      resolve(how);
    };
    const onData = (chunk: Buffer): void => {
      const { forward, detached } = scan(chunk);
      if (forward.length > 0) sink.write(forward);
      if (detached) finish('detached');
    };
    conn.on('data', onData);
    conn.resume(); // the server paused it after reading the request body
    conn.once('end', () => {
      sink.closeStdin();
      finish('eof');
    });
    conn.once('close', () => finish('gone'));
  });
}

/**
 * Copies a session's output to a client: raw for a TTY, Docker's multiplexed frames otherwise.
 * Returns a function resolving once everything received so far has been written. A client that
 * falls CLIENT_BACKLOG_MAX behind is disconnected and the rest of the output dropped.
 */
export function pumpOutput(io: StdioSession, out: Writable, opts: { tty: boolean; stdout: boolean; stderr: boolean }): () => Promise<unknown> {
  let chain = Promise.resolve(true);
  let queued = 0;
  let cut = false;
  io.onOutput((stream, data) => {
    if (cut || (stream === 'stdout' && !opts.stdout) || (stream === 'stderr' && !opts.stderr)) return;
    const bytes = opts.tty ? Buffer.from(data) : frame(stream === 'stdout' ? STDOUT : STDERR, Buffer.from(data));
    if (queued + bytes.length + out.writableLength > CLIENT_BACKLOG_MAX) {
      cut = true;
      out.destroy();
      return;
    }
    queued += bytes.length;
    chain = chain.then(async (ok) => {
      const sent = ok && (await writeChunk(out, bytes));
      queued -= bytes.length;
      return sent;
    });
  });
  return () => chain;
}
