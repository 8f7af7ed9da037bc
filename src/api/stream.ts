import type { Writable } from 'node:stream';

/** Stream types of Docker's multiplexed (non-TTY) attach/logs framing. */
export const STDOUT = 1;
export const STDERR = 2;

/** One frame: [type, 0, 0, 0, size (uint32 BE)] then the payload. */
export function frame(stream: number, data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

/** Writes respecting backpressure; resolves false when the peer has gone away. */
export function writeChunk(out: Writable, data: Buffer): Promise<boolean> {
  if (out.destroyed || out.writableEnded) return Promise.resolve(false);
  if (out.write(data)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      resolve(ok);
    };
    const onDrain = (): void => done(true);
    const onClose = (): void => done(false);
    out.once('drain', onDrain);
    out.once('close', onClose);
  });
}
