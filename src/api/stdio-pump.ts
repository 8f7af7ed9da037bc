import type { Duplex, Writable } from 'node:stream';
import type { StdioSession } from '../core/runtime.js';
import { detachScanner, parseDetachKeys, DEFAULT_DETACH_KEYS } from './detach-keys.js';
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
 * Returns a function resolving once everything received so far has been written.
 */
export function pumpOutput(io: StdioSession, out: Writable, opts: { tty: boolean; stdout: boolean; stderr: boolean }): () => Promise<unknown> {
  let chain = Promise.resolve(true);
  io.onOutput((stream, data) => {
    if ((stream === 'stdout' && !opts.stdout) || (stream === 'stderr' && !opts.stderr)) return;
    const bytes = opts.tty ? Buffer.from(data) : frame(stream === 'stdout' ? STDOUT : STDERR, Buffer.from(data));
    chain = chain.then((ok) => (ok ? writeChunk(out, bytes) : false));
  });
  return () => chain;
}
