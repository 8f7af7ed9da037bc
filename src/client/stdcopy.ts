import type { Readable, Writable } from 'node:stream';

/**
 * Splits Docker's multiplexed stream (8-byte header: stream type, 3 zero bytes, uint32 BE size)
 * onto stdout and stderr. Resolves when the stream ends.
 */
export async function demux(input: Readable, stdout: Writable, stderr: Writable): Promise<void> {
  let buf: Buffer = Buffer.alloc(0);
  for await (const chunk of input) {
    buf = buf.length ? Buffer.concat([buf, chunk as Buffer]) : (chunk as Buffer);
    // Consecutive frames of one stream go out in one write (a log is mostly small frames).
    let run: Buffer[] = [];
    let runTarget: Writable | undefined;
    const flush = async (): Promise<void> => {
      if (runTarget === undefined || run.length === 0) return;
      const target = runTarget;
      const data = run.length === 1 ? run[0]! : Buffer.concat(run);
      run = [];
      if (!target.write(data)) await new Promise((r) => target.once('drain', r));
    };
    while (buf.length >= 8) {
      const size = buf.readUInt32BE(4);
      if (buf.length < 8 + size) break;
      const target = buf[0] === 2 ? stderr : stdout;
      if (target !== runTarget) {
        await flush();
        runTarget = target;
      }
      run.push(buf.subarray(8, 8 + size));
      buf = buf.subarray(8 + size);
    }
    await flush();
  }
}

/** A TTY container's stream is raw: copy it as is. */
export async function copyRaw(input: Readable, out: Writable): Promise<void> {
  for await (const chunk of input) {
    if (!out.write(chunk as Buffer)) await new Promise((r) => out.once('drain', r));
  }
}
