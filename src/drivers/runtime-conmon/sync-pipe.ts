import type { Readable } from 'node:stream';

/** One message on conmon's sync pipe: a pid, an exit code, or -1/-status with an error message. */
export interface SyncMessage {
  data: number;
  message?: string;
}

/**
 * Reads conmon's sync pipe as a queue of newline-delimited JSON messages: `next()` resolves with
 * the next one, or undefined once the pipe has ended.
 */
export function syncReader(pipe: Readable): { next(): Promise<SyncMessage | undefined> } {
  let buf = '';
  let ended = false;
  const queue: SyncMessage[] = [];
  const waiting: Array<(m: SyncMessage | undefined) => void> = [];
  const flush = (): void => {
    while (waiting.length > 0 && (queue.length > 0 || ended)) waiting.shift()!(queue.shift());
  };
  pipe.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line === '') continue;
      try {
        queue.push(JSON.parse(line) as SyncMessage);
      } catch {
        // not a message: ignore
      }
    }
    flush();
  });
  const onEnd = (): void => {
    ended = true;
    flush();
  };
  pipe.on('end', onEnd);
  pipe.on('close', onEnd);
  pipe.on('error', onEnd);
  return {
    next: () =>
      new Promise((resolve) => {
        waiting.push(resolve);
        flush();
      }),
  };
}
