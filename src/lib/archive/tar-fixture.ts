// Test support (not used by the engine): builds layer tars in memory with tar-stream's pack().
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { after, before } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { pack, type Headers } from 'tar-stream';

export type FixtureEntry = Headers & { body?: string | Buffer; pax?: Record<string, string> };

const RAW_PAX = '@@raw-pax@@';

export async function makeTar(entries: FixtureEntry[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    p.on('end', resolve);
    p.on('error', reject);
  });
  for (const { body, ...header } of entries) {
    const buf = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
    await new Promise<void>((resolve, reject) => {
      p.entry({ size: buf.length, mtime: new Date(1_600_000_000_000), ...header }, buf, (err) => (err ? reject(err) : resolve()));
    });
  }
  p.finalize();
  await done;
  const tar = Buffer.concat(chunks);
  // pack() refuses bodies on PAX headers: they were packed as files named RAW_PAX; retype them.
  for (let off = 0; off + 512 <= tar.length; off += 512) {
    if (tar.toString('latin1', off, off + RAW_PAX.length) === RAW_PAX) setTypeflag(tar, off, 'x');
  }
  return tar;
}

/** Rewrites the type flag of the header block at `off`, fixing up its checksum. */
export function setTypeflag(tar: Buffer, off: number, flag: string): void {
  tar.write(flag, off + 156, 'latin1');
  tar.fill(0x20, off + 148, off + 156);
  let sum = 0;
  for (let i = off; i < off + 512; i++) sum += tar[i]!;
  tar.write(`${sum.toString(8).padStart(6, '0')}\0 `, off + 148, 'latin1');
}

/** Feeds a buffer in small chunks, so the extractor sees real streaming and backpressure. */
export function streamOf(buf: Buffer, chunk = 4096): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < buf.length; i += chunk) yield buf.subarray(i, i + chunk);
    })(),
  );
}

export async function tarStream(entries: FixtureEntry[]): Promise<Readable> {
  return streamOf(await makeTar(entries));
}

/**
 * A PAX header entry with raw byte values: pack() writes PAX values as UTF-8 strings, which
 * cannot express binary xattrs. Put it right before the entry it applies to.
 */
export function rawPax(records: Array<[string, Buffer]>): FixtureEntry {
  const parts = records.map(([k, v]) => {
    const payload = Buffer.concat([Buffer.from(` ${k}=`), v, Buffer.from('\n')]);
    let len = payload.length + 1;
    while (String(len).length + payload.length !== len) len = String(len).length + payload.length;
    return Buffer.concat([Buffer.from(String(len)), payload]);
  });
  return { name: RAW_PAX, body: Buffer.concat(parts) }; // retyped by makeTar
}

export async function tempDir(prefix = 'berth-archive-'): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/**
 * For a test file: a temp base dir made before its tests and removed after them, and a maker
 * of fresh empty directories inside it (one per test).
 */
export function freshDirs(): () => Promise<string> {
  let base = '';
  let cleanup: () => Promise<void> = async () => {};
  let n = 0;
  before(async () => ({ path: base, cleanup } = await tempDir()));
  after(() => cleanup());
  return async () => {
    const d = join(base, `dest-${n++}`);
    await mkdir(d);
    return d;
  };
}

const exec = promisify(execFile);

/** One xattr as a Buffer (or null when absent), read with getfattr. */
export async function getXattr(path: string, name: string): Promise<Buffer | null> {
  try {
    const { stdout } = await exec('getfattr', ['-h', '--only-values', '-n', name, '--', path], { encoding: 'buffer' });
    return stdout;
  } catch {
    return null;
  }
}
