import type { Readable } from 'node:stream';
import { pack, type Headers, type Pack } from 'tar-stream';

/**
 * Writing whole archives entry by entry (save, cp): a tar-stream pack plus helpers that wait
 * for each entry, so a caller can write them in order with plain awaits and backpressure.
 * `finish` ends the archive; `fail` ends it with an error its reader sees.
 */
export interface TarWriter {
  stream: Readable;
  pack: Pack;
  addBuffer(name: string, data: Buffer | string, header?: Partial<Headers>): Promise<void>;
  /** Streams `size` bytes from `source`; the source must produce exactly that many. */
  addStream(name: string, size: number, source: AsyncIterable<Buffer> | Readable, header?: Partial<Headers>): Promise<void>;
  addDir(name: string, header?: Partial<Headers>): Promise<void>;
  /** Any entry without content (symlink, hard link, device, fifo, directory). */
  addEntry(header: Headers): Promise<void>;
  finish(): void;
  fail(err: Error): void;
}

/** A fixed time for generated entries, so the same images always save to the same bytes. */
const EPOCH = new Date(0);

export function tarWriter(): TarWriter {
  const p = pack();
  const base = (name: string, h?: Partial<Headers>): Headers => ({ name, mode: 0o644, mtime: EPOCH, uid: 0, gid: 0, uname: '', gname: '', ...h });
  // Every entry gets an error listener: when the archive's reader goes away the pack is destroyed,
  // and an entry in flight would otherwise emit an uncaught 'error' (and take the daemon down).
  const entry = (header: Headers, body?: Buffer): Promise<void> =>
    new Promise((resolve, reject) => {
      const done = (err?: Error | null): void => (err ? reject(err) : resolve());
      const sink = body === undefined ? p.entry(header, done) : p.entry(header, body, done);
      sink.on('error', done);
    });
  return {
    stream: p as unknown as Readable,
    pack: p,
    addBuffer: (name, data, header) => {
      const buf = Buffer.isBuffer(data) ? data : Buffer.from(data); // the caller's buffer is not changed after
      return entry({ ...base(name, header), size: buf.length }, buf);
    },
    addEntry: (header) => entry(header),
    addDir: (name, header) => entry({ ...base(name.endsWith('/') ? name : `${name}/`, { mode: 0o755, ...header }), type: 'directory' }),
    async addStream(name, size, source, header) {
      let settle!: (err?: Error | null) => void;
      const finished = new Promise<void>((resolve, reject) => (settle = (err) => (err ? reject(err) : resolve())));
      const sink = p.entry({ ...base(name, header), size }, (err) => settle(err));
      sink.on('error', (err: Error) => settle(err)); // the archive was destroyed under this entry (its reader went away)
      finished.catch(() => undefined); // awaited below, unless the source fails first
      let written = 0;
      for await (const chunk of source as AsyncIterable<Buffer>) {
        written += chunk.length;
        if (written > size) throw new Error(`${name}: more than the ${size} bytes announced`);
        // A destroyed archive never drains: `finished` rejects then, ending the loop (and the source).
        if (!sink.write(chunk)) await Promise.race([new Promise<void>((resolve) => sink.once('drain', () => resolve())), finished]);
      }
      if (written !== size) throw new Error(`${name}: ${written} bytes instead of ${size}`);
      sink.end();
      await finished;
    },
    finish: () => p.finalize(),
    fail: (err) => p.destroy(err),
  };
}
