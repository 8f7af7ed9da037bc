import { spawn } from 'node:child_process';
import { PassThrough, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

type Format = 'gzip' | 'bzip2' | 'xz' | 'zstd' | 'none';

const MAGIC: Array<[Format, number[]]> = [
  ['gzip', [0x1f, 0x8b]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
];

export function detectCompression(head: Buffer): Format {
  for (const [fmt, magic] of MAGIC) {
    if (head.length >= magic.length && magic.every((b, i) => head[i] === b)) return fmt;
  }
  return 'none';
}

/** True when the first 512 bytes are a tar header (ustar magic, or an old-style header whose checksum holds). */
export function looksLikeTar(head: Buffer): boolean {
  if (head.length < 512) return false;
  const magic = head.subarray(257, 262).toString('latin1');
  if (magic === 'ustar') return true;
  const stored = Number.parseInt(head.subarray(148, 156).toString('latin1').replace(/\0.*$/s, '').trim(), 8);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : head[i]!;
  return Number.isFinite(stored) && stored === sum && head[0] !== 0;
}

/** Reads the first `n` bytes of a stream and returns them with a stream that replays them first. */
export function peek(input: Readable, n: number): Promise<{ head: Buffer; stream: Readable }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let len = 0;
    const onData = (c: Buffer): void => {
      chunks.push(c);
      len += c.length;
      if (len >= n) done();
    };
    const done = (): void => {
      input.off('data', onData);
      input.off('end', done);
      input.off('error', reject);
      input.pause();
      const head = Buffer.concat(chunks);
      const out = new PassThrough();
      out.write(head);
      input.on('error', (err) => out.destroy(err));
      if (input.readableEnded) out.end();
      else input.pipe(out);
      resolve({ head: head.subarray(0, n), stream: out });
    };
    input.on('data', onData);
    input.on('end', done);
    input.on('error', reject);
  });
}

/**
 * Undoes gzip, bzip2, xz or zstd (by magic number); plain input passes through. gzip runs in
 * process; the others through the Debian tools (bzip2, xz-utils, zstd), as Docker shells out too.
 */
export async function decompress(input: Readable): Promise<Readable> {
  const { head, stream } = await peek(input, 6);
  const fmt = detectCompression(head);
  if (fmt === 'none') return stream;
  if (fmt === 'gzip') return stream.pipe(createGunzip({ chunkSize: 256 * 1024 }));
  const tool = { bzip2: 'bzip2', xz: 'xz', zstd: 'zstd' }[fmt];
  const child = spawn(tool, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  stream.pipe(child.stdin);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const out = new PassThrough();
  child.stdout.pipe(out, { end: false });
  child.on('error', (err) => out.destroy(new Error(`${tool}: ${err.message}`)));
  child.on('close', (code) => (code === 0 ? out.end() : out.destroy(new Error(`${tool}: ${stderr.trim() || `exit ${code}`}`))));
  return out;
}
