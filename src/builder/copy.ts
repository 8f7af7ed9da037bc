import { chown, mkdir } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Headers } from 'tar-stream';
import { invalidArgument } from '../lib/errdefs.js';
import { decompress } from '../lib/archive/decompress.js';
import { extractLayer, writeEntries as writeEntriesAt, type EntryToWrite } from '../lib/archive/extract.js';
import { lstatScoped, resolveInRoot } from '../lib/fs/scoped-path.js';
import { openSource } from './source-fs.js';
import type { ResolvedSource, SourceEntry } from './sources.js';

export interface CopyOptions {
  /** Absolute destination inside the image (already resolved against WORKDIR). */
  dest: string;
  owner: { uid: number; gid: number };
  chmod?: number;
  /** Filled with the files written and their content, for packing the layer without reading them back. */
  written?: WrittenFiles;
}

/**
 * Regular files a COPY wrote from memory, by path in the root (no leading `/`), and their
 * content: packDir's `known` (the step's layer is packed from the upper dir without reading
 * these back). Held up to MAX_WRITTEN bytes; past that the files are read back as before.
 */
export interface WrittenFiles {
  files: Map<string, Buffer>;
  bytes: number;
}

const MAX_WRITTEN = 64 << 20;

export const writtenFiles = (): WrittenFiles => ({ files: new Map(), bytes: 0 });

/** The extractor's onWritten for a directory at `dir` (resolved, absolute) in the root. */
function recordAt(written: WrittenFiles | undefined, dir: string): ((rel: string, content?: Buffer) => void) | undefined {
  if (written === undefined) return undefined;
  return (rel, content) => {
    const path = posix.join(dir, rel).slice(1);
    const old = written.files.get(path);
    if (old !== undefined) {
      written.bytes -= old.length;
      written.files.delete(path);
    }
    if (content === undefined || written.bytes + content.length > MAX_WRITTEN) return;
    written.files.set(path, content);
    written.bytes += content.length;
  };
}

/**
 * Writes resolved sources into a mounted root filesystem with Docker's COPY rules: a directory's
 * contents go into the destination; a file goes to the destination path, or into it when it ends
 * in `/`, there are several sources, or it is an existing directory. Every write goes through a
 * directory resolved inside `rootfs` and a safe tar extraction, so image symlinks cannot lead
 * the copy out of the root filesystem.
 */
export async function copyInto(rootfs: string, sources: ResolvedSource[], opts: CopyOptions): Promise<void> {
  const many = sources.length > 1;
  const destIsDir = opts.dest.endsWith('/') || many || (await isDir(rootfs, opts.dest));
  if (many && !opts.dest.endsWith('/'))
    throw invalidArgument('When using COPY with more than one source file, the destination must be a directory and end with a /');
  for (const s of sources) {
    if (s.isDir || s.archive) {
      await mkdirInRoot(rootfs, opts.dest, opts.owner);
      if (s.archive) await extractArchive(rootfs, opts.dest, s.entries[0]!, opts.written);
      else await writeEntries(rootfs, opts.dest, s.entries, opts);
    } else {
      const target = destIsDir ? posix.join(opts.dest, s.name) : opts.dest;
      await mkdirInRoot(rootfs, posix.dirname(target), opts.owner);
      await writeEntries(rootfs, posix.dirname(target), [{ ...s.entries[0]!, rel: posix.basename(target) }], opts);
    }
  }
}

async function isDir(rootfs: string, path: string): Promise<boolean> {
  const sp = await resolveInRoot(rootfs, path, true).catch(() => undefined);
  if (sp === undefined) return false;
  try {
    return (await lstatScoped(sp).catch(() => undefined))?.isDirectory() === true;
  } finally {
    await sp.close();
  }
}

/** mkdir -p inside rootfs; directories it creates get `owner` (Docker's MkdirAllAndChownNew). */
export async function mkdirInRoot(rootfs: string, path: string, owner: { uid: number; gid: number }): Promise<void> {
  let cur = '';
  for (const part of path.split('/').filter(Boolean)) {
    cur += `/${part}`;
    const sp = await resolveInRoot(rootfs, cur, true);
    try {
      const st = await lstatScoped(sp).catch(() => undefined);
      if (st === undefined) {
        await mkdir(sp.hostPath, 0o755);
        await chown(sp.hostPath, owner.uid, owner.gid);
      } else if (!st.isDirectory()) {
        throw invalidArgument(`failed to copy files: mkdir ${cur}: not a directory`);
      }
    } finally {
      await sp.close();
    }
  }
}

/** Runs `fn` on `dir` resolved in the root and pinned (`resolved`: its path in the root, symlinks followed). */
async function withDir<T>(rootfs: string, dir: string, fn: (pinned: string, resolved: string) => Promise<T>): Promise<T> {
  const sp = await resolveInRoot(rootfs, dir, true);
  try {
    return await fn(sp.hostPath, sp.resolved);
  } finally {
    await sp.close();
  }
}

/**
 * Writes source entries under `dir` with the extractor's safe writes (as the tar of them would
 * be extracted, without making and parsing that tar). Times keep whole seconds, as a tar's.
 */
async function writeEntries(rootfs: string, dir: string, entries: SourceEntry[], opts: CopyOptions): Promise<void> {
  await withDir(rootfs, dir, (pinned, resolved) =>
    writeEntriesAt(
      entries.map((e) => toWrite(e, opts)),
      pinned,
      { whiteouts: 'none', onWritten: recordAt(opts.written, resolved) },
    ),
  );
}

function toWrite(e: SourceEntry, opts: CopyOptions): EntryToWrite {
  const header: Headers = {
    name: e.kind === 'dir' ? `${e.rel}/` : e.rel,
    mode: opts.chmod ?? e.mode,
    uid: opts.owner.uid,
    gid: opts.owner.gid,
    mtime: new Date(Math.floor(e.mtime.getTime() / 1000) * 1000),
    size: e.kind === 'file' ? e.size : 0,
    type: e.kind === 'dir' ? 'directory' : e.kind === 'symlink' ? 'symlink' : 'file',
    linkname: e.kind === 'symlink' ? e.linkTarget! : undefined,
  };
  if (e.kind !== 'file') return { header };
  return { header, content: e.content ?? exactly(e) };
}

/**
 * A file's bytes, opened only when the writer gets to it; failing when there are more or fewer
 * than the size listed (as the tar writer did).
 */
async function* exactly(e: SourceEntry): AsyncGenerator<Buffer> {
  if (e.read !== undefined) {
    const buf = await e.read();
    if (buf.length !== e.size) throw new Error(`${e.rel}: ${buf.length} bytes instead of ${e.size}`);
    yield buf;
    return;
  }
  const source = openSource(e);
  let got = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      got += chunk.length;
      if (got > e.size) throw new Error(`${e.rel}: more than the ${e.size} bytes announced`);
      yield chunk;
    }
  } finally {
    source.destroy();
  }
  if (got !== e.size) throw new Error(`${e.rel}: ${got} bytes instead of ${e.size}`);
}

async function extractArchive(rootfs: string, dir: string, e: SourceEntry, written?: WrittenFiles): Promise<void> {
  await withDir(rootfs, dir, async (pinned, resolved) => {
    const source = openSource(e);
    try {
      await extractLayer(await decompress(source), pinned, { whiteouts: 'none', onWritten: recordAt(written, resolved) });
    } finally {
      source.destroy(); // decompress pipes it on: a failed extraction destroys only its own end
    }
  });
}
