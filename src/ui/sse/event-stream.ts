// Server-sent events, the stream the dashboard's live views (logs, stats, events) read. Below the
// routes; imports only the api's chunk writer.
import type { ServerResponse } from 'node:http';
import { writeChunk } from '../../api/stream.js';

/** A server-sent-events stream: `send` resolves false once the browser has gone. */
export interface EventStream {
  send(event: string, data: unknown): Promise<boolean>;
  /** Resolves when the browser closes the stream. */
  closed: Promise<void>;
  readonly open: boolean;
  end(): void;
}

export function openEventStream(res: ServerResponse): EventStream {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
  res.flushHeaders();
  let open = true;
  const closed = new Promise<void>((resolve) => res.once('close', () => resolve(void (open = false))));
  // A comment every 15 s keeps proxies and idle timers from closing a quiet stream.
  const ping = setInterval(() => void writeChunk(res, Buffer.from(':\n\n')), 15_000);
  void closed.then(() => clearInterval(ping));
  return {
    send: (event, data) => writeChunk(res, Buffer.from(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)),
    closed,
    get open() {
      return open && !res.writableEnded;
    },
    end: () => {
      clearInterval(ping);
      if (!res.writableEnded) res.end();
    },
  };
}
