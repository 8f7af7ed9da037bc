import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { extract, type Headers } from 'tar-stream';
import { invalidArgument } from '../../lib/errdefs.js';
import { cleanEntryPath } from '../../lib/archive/safe-path.js';
import type { Digest } from '../../lib/digest.js';

/** A regular file of the archive, copied to a spool file whose name we chose (never the member's). */
export interface SpooledFile {
  file: string;
  digest: Digest;
  size: number;
}

export interface Spool {
  /** Cleaned member path → its spooled content, or the kind of a non-file member. */
  members: Map<string, SpooledFile | { type: string }>;
  /** Bytes read so far (for progress). */
  bytes: number;
}

/**
 * Reads a load archive into `dir` (private, empty): each regular member becomes `dir/<n>` and
 * is hashed on the way, so later steps can check digests without reading it again. The archive
 * itself is never unpacked, so its names cannot point anywhere. An archive with an absolute or
 * climbing (`..`) member name is rejected as a whole: no legitimate writer produces one.
 */
export async function spoolArchive(input: Readable, dir: string): Promise<Spool> {
  const spool: Spool = { members: new Map(), bytes: 0 };
  const ex = extract();
  let n = 0;
  const done = (async () => {
    for await (const entry of ex as AsyncIterable<Readable & { header: Headers }>) {
      const h = entry.header;
      const rel = memberPath(h.name);
      if (h.type === 'file' || h.type === 'contiguous-file') {
        spool.members.set(rel, await spoolFile(entry, join(dir, String(n++))));
        spool.bytes += h.size ?? 0;
      } else {
        for await (const chunk of entry) void chunk;
        spool.members.set(rel, { type: h.type ?? 'unknown' });
      }
    }
  })();
  input.on('error', (err) => ex.destroy(err));
  input.pipe(ex as unknown as NodeJS.WritableStream);
  try {
    await done;
  } catch (err) {
    input.unpipe();
    input.destroy();
    const msg = (err as Error).message;
    if (/invalid tar header/i.test(msg)) throw invalidArgument('invalid archive: archive/tar: invalid tar header');
    throw /unexpected end/i.test(msg) ? invalidArgument('invalid archive: unexpected EOF') : err;
  }
  return spool;
}

/** A member name or a path named by a manifest, as a clean archive path; hostile ones throw. */
export function memberPath(name: string): string {
  if (name.startsWith('/')) throw invalidArgument(`invalid archive: absolute path "${name}"`);
  let rel: string;
  try {
    rel = cleanEntryPath(name);
  } catch {
    throw invalidArgument(`invalid archive: path "${name}" is outside the archive`);
  }
  if (rel === '' && name !== '' && !/^[./]*$/.test(name)) throw invalidArgument(`invalid archive: bad path "${name}"`);
  return rel;
}

async function spoolFile(data: AsyncIterable<Buffer>, file: string): Promise<SpooledFile> {
  const fh = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of data) {
      hash.update(chunk);
      size += chunk.length;
      for (let off = 0; off < chunk.length;) off += (await fh.write(chunk, off)).bytesWritten;
    }
  } finally {
    await fh.close();
  }
  return { file, digest: `sha256:${hash.digest('hex')}`, size };
}
