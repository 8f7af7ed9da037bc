import type { Readable, Writable } from 'node:stream';

/**
 * Splits Docker's multiplexed stream (8-byte header: stream type, 3 zero bytes, uint32 BE size)
 * onto stdout and stderr. Resolves when the stream ends.
 */
export async function demux(input: Readable, stdout: Writable, stderr: Writable): Promise<void> {
  let buf: Buffer = Buffer.alloc(0);
  for await (const chunk of input) {
    buf = buf.length ? Buffer.concat([buf, chunk as Buffer]) : (chunk as Buffer);
    while (buf.length >= 8) {
      const size = buf.readUInt32BE(4);
      if (buf.length < 8 + size) break;
      const payload = buf.subarray(8, 8 + size);
      const target = buf[0] === 2 ? stderr : stdout;
      if (!target.write(payload)) await new Promise((r) => target.once('drain', r));
      buf = buf.subarray(8 + size);
    }
  }
}

/** A TTY container's stream is raw: copy it as is. */
export async function copyRaw(input: Readable, out: Writable): Promise<void> {
  for await (const chunk of input) {
    if (!out.write(chunk as Buffer)) await new Promise((r) => out.once('drain', r));
  }
}
