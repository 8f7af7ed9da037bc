// The CLI's input and output: the attached stdio session (raw terminal, stream demux), files the
// user names for input and output, the y/N prompt. Below the commands; imports exit/, the client
// and lib.
import { constants } from 'node:os';
import type { Duplex } from 'node:stream';
import { copyRaw, demux } from '../../client/stdcopy.js';

export interface SessionOptions {
  tty: boolean;
  /** Send our stdin to the process (half-closing the connection at its EOF). */
  stdin: boolean;
  /** Called with the terminal's size at once and on every SIGWINCH (TTY sessions on a terminal). */
  resize?: (height: number, width: number) => Promise<void>;
  /** The first resize waits for this (a container's terminal exists only once it has started). */
  started?: Promise<unknown>;
}

/**
 * Runs an attach/exec session on a hijacked connection: output to our stdout/stderr (raw for a
 * TTY, demultiplexed otherwise), our stdin to the process, the local terminal in raw mode while
 * it lasts. Resolves when the daemon closes the stream. The terminal is restored on every path
 * out: normal end, error, and process exit (main.ts exits without unwinding).
 */
export async function runSession(conn: Duplex, opts: SessionOptions): Promise<void> {
  const cleanups: Array<() => void> = [];
  const cleanup = (): void => {
    while (cleanups.length > 0) cleanups.pop()!();
  };
  process.once('exit', cleanup);
  try {
    const stdin = process.stdin;
    if (opts.tty && opts.stdin && stdin.isTTY) {
      stdin.setRawMode(true);
      cleanups.push(() => stdin.setRawMode(false));
      // A signal's default action would end us without 'exit' handlers: restore first.
      const onSignal = (sig: NodeJS.Signals): void => {
        cleanup();
        process.exit(128 + (constants.signals[sig] ?? 0));
      };
      const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGQUIT'];
      for (const sig of signals) process.once(sig, onSignal);
      cleanups.push(() => signals.forEach((sig) => process.off(sig, onSignal)));
    }
    if (opts.tty && opts.resize && process.stdout.isTTY) {
      const resize = opts.resize;
      const send = (): void => void resize(process.stdout.rows, process.stdout.columns).catch(() => undefined);
      void (opts.started ?? Promise.resolve()).then(send, () => undefined);
      process.on('SIGWINCH', send);
      cleanups.push(() => process.off('SIGWINCH', send));
    }
    if (opts.stdin) {
      const onData = (d: Buffer): void => void conn.write(d);
      const onEnd = (): void => void conn.end();
      stdin.on('data', onData);
      stdin.once('end', onEnd);
      cleanups.push(() => {
        stdin.off('data', onData);
        stdin.off('end', onEnd);
        stdin.pause();
      });
    }
    await (opts.tty ? copyRaw(conn, process.stdout) : demux(conn, process.stdout, process.stderr));
  } finally {
    cleanup();
    process.off('exit', cleanup);
  }
}
