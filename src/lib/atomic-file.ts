import { open, rename, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { isDiskFull, isErrno } from './errdefs.js';

/**
 * Writes a file so that readers see either the old or the new content, never a mix:
 * write to a temp file beside it, fsync, rename over, fsync the directory.
 */
export async function writeFileAtomic(path: string, data: string | Buffer, mode = 0o644): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', mode);
  try {
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }); // a full disk must not also collect temp files
    throw err;
  }
  await syncDir(dir);
}

/**
 * writeFileAtomic for JSON state that must stay writable on a full disk (a container's record:
 * its exit, its removal — removal must never need free space). When the temp file cannot be
 * written (ENOSPC, EDQUOT), the existing file is rewritten in place instead: its blocks are
 * allocated already, so this needs no free space unless it grows past them. The new text is
 * padded with spaces to the old length (JSON allows trailing whitespace) and written with one
 * write, nothing truncated after it: a berthd killed at any moment leaves the old text or the
 * new one. Only a power loss in the middle of that write could tear it — a risk taken only when
 * the alternative is not recording at all.
 */
export async function writeFileAtomicOrInPlace(path: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(path, text);
  } catch (err) {
    if (!isDiskFull(err)) throw err;
    const fh = await open(path, 'r+').catch(() => {
      throw err; // no file to rewrite: the disk-full error is the one to report
    });
    try {
      const data = Buffer.from(text);
      const size = (await fh.stat()).size;
      const buf = data.length >= size ? data : Buffer.concat([data, Buffer.alloc(size - data.length, ' ')]);
      for (let off = 0; off < buf.length;) off += (await fh.write(buf, off, buf.length - off, off)).bytesWritten;
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
}

/**
 * Replaces a file's content atomically for readers and against a crash of this process (temp +
 * rename), without fsync: for state rewritten many times a second that the page cache may keep
 * (after a power loss it may be older, never torn).
 */
export async function replaceFile(path: string, data: string | Buffer, mode = 0o644): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, data, { mode, flag: 'wx' });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** `inPlaceWhenFull`: see writeFileAtomicOrInPlace. */
export async function writeJsonAtomic(path: string, value: unknown, opts: { inPlaceWhenFull?: boolean } = {}): Promise<void> {
  await (opts.inPlaceWhenFull ? writeFileAtomicOrInPlace : writeFileAtomic)(path, JSON.stringify(value, null, 2) + '\n');
}

export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Reads a JSON file, or returns undefined when it does not exist. */
export async function readJsonIfExists<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
}

/**
 * mkdir -p. Node's recursive mkdir reports ENOENT for the first missing level when that level
 * cannot be made (ENOSPC on a full disk, EACCES, …): the levels are then made one at a time,
 * so the error thrown is the real one (`ENOSPC … mkdir '/x'`).
 */
export async function mkdirp(path: string, mode?: number): Promise<void> {
  try {
    await mkdir(path, { recursive: true, mode });
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
    await mkdirLevels(path, mode);
  }
}

async function mkdirLevels(path: string, mode?: number): Promise<void> {
  const made = (err: unknown): void => {
    if (!isErrno(err, 'EEXIST')) throw err;
  };
  try {
    await mkdir(path, { mode });
  } catch (err) {
    if (!isErrno(err, 'ENOENT') || dirname(path) === path) return made(err);
    await mkdirLevels(dirname(path), mode);
    await mkdir(path, { mode }).catch(made);
  }
}
