import type { Readable } from 'node:stream';

/**
 * Calls `onItem` for each JSON value of a newline-delimited stream (events, stats, progress),
 * as it arrives; a last line without a newline counts too.
 */
export async function forEachJsonLine<T>(stream: Readable, onItem: (item: T) => void): Promise<void> {
  let buf = '';
  const handle = (line: string): void => {
    if (line.trim() !== '') onItem(JSON.parse(line) as T);
  };
  for await (const chunk of stream) {
    buf += (chunk as Buffer).toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      handle(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
  }
  handle(buf);
}
