import type { Readable } from 'node:stream';
import { extract as tarExtract, type Headers } from 'tar-stream';
import { BerthError, internal, invalidArgument } from '../errdefs.js';
import { applyDirTimes, ENTRY_TYPES, writeEntry, writeFileContent, type Ctx, type Entry, type EntryType } from './entries.js';
import { PinnedTree } from '../fs/pinned-tree.js';
import { cleanEntryPath, ensureParents, entryAt, lstatOrNull, newRoot } from './safe-path.js';
import { applyWhiteout, classifyWhiteout, type WhiteoutMode } from './whiteout.js';
import { captureXattrs, xattrsFromStrings, type Xattrs } from './xattr.js';

export interface ExtractResult {
  /** Tar entries processed (files, directories, links, devices, whiteouts). */
  files: number;
  /** Bytes of regular-file content written. */
  bytes: number;
}

export interface ExtractOptions {
  /**
   * 'overlay' (default): whiteouts become overlayfs whiteouts; 'apply': they delete from dest;
   * 'none': `.wh.` names are ordinary files (copying into a container, as `docker cp` does).
   */
  whiteouts?: WhiteoutMode | 'none';
  /** Owner for every entry instead of the tar's uid/gid (`docker cp` without `-a`). */
  owner?: { uid: number; gid: number };
  /** Fail instead of replacing a directory with a non-directory or the other way round. */
  noOverwriteDirNonDir?: boolean;
  /**
   * Told of every entry written (whiteouts aside), by its path relative to `dest`: with the content of a regular
   * file written from memory that got no xattrs from the tar (what is now on disk there), else
   * without. The calls for one path come in the tar's order.
   */
  onWritten?: (rel: string, content?: Buffer) => void;
}

type TarHeader = Headers & { pax?: Record<string, string> | null };

/**
 * Unpacks one uncompressed layer tar into `dest` (an existing directory). Nothing is ever
 * written outside `dest`: names climbing out with `..`, paths through a symlink and hard links
 * leaving `dest` make the whole extraction fail (see safe-path.ts for the policy). On failure
 * `dest` may be partly written — callers extract into a temp dir and discard it — and `input`
 * is destroyed, since what is left of it is useless and would otherwise hold its resources.
 */
export async function extractLayer(input: NodeJS.ReadableStream | Readable, dest: string, opts: ExtractOptions = {}): Promise<ExtractResult> {
  // An input that fails while the tree is being opened (one of several fed from one tar, cp across mounts) fails the extraction.
  let early: unknown;
  const onEarly = (err: unknown): void => void (early ??= err);
  input.on('error', onEarly);
  const tree = await PinnedTree.open(dest).finally(() => input.off('error', onEarly));
  try {
    if (early !== undefined) throw early;
    return await extractInto(input, tree, opts);
  } finally {
    await tree.close();
  }
}

/** One entry for writeEntries: a tar header and the content of a regular file (exactly `header.size` bytes). */
export interface EntryToWrite {
  header: Headers;
  content?: Buffer | AsyncIterable<Buffer>;
}

/**
 * Writes entries into `dest` exactly as extractLayer would write a tar of them (same checks, same
 * order of effects, small files several at a time), without encoding and parsing a tar in
 * between: for callers that make the entries themselves (COPY). Times are those of the header
 * (a Date keeps its milliseconds, where a tar would keep whole seconds); no xattrs.
 */
export async function writeEntries(
  entries: AsyncIterable<EntryToWrite> | Iterable<EntryToWrite>,
  dest: string,
  opts: ExtractOptions = {},
): Promise<ExtractResult> {
  const tree = await PinnedTree.open(dest);
  try {
    const ctx: Ctx = { root: newRoot(tree), whiteouts: opts.whiteouts ?? 'overlay', whitedOut: new Set() };
    const result: ExtractResult = { files: 0, bytes: 0 };
    const writes = new FileWrites();
    try {
      for await (const { header, content } of entries) await handleEntry(ctx, opts, header, content ?? EMPTY, new Map(), result, writes);
      await writes.drain();
    } finally {
      await writes.settle(); // nothing touches the disk any more once this returns or throws
    }
    await applyDirTimes(ctx.root);
    return result;
  } finally {
    await tree.close();
  }
}

const EMPTY = Buffer.alloc(0);

async function extractInto(input: NodeJS.ReadableStream | Readable, tree: PinnedTree, opts: ExtractOptions): Promise<ExtractResult> {
  const ctx: Ctx = { root: newRoot(tree), whiteouts: opts.whiteouts ?? 'overlay', whitedOut: new Set() };
  const result: ExtractResult = { files: 0, bytes: 0 };
  const ex = tarExtract();
  const takeXattrs = captureXattrs(ex);
  // Entries are read strictly one at a time: tar-stream waits for next() before the next header.
  // Small regular files are then written in the background, several at a time (see FileWrites);
  // every other entry first waits for those, so the order of effects on disk stays the tar's.
  let current: Promise<void> = Promise.resolve();
  const writes = new FileWrites();

  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      // Not every source is a Node stream (tar-stream's pack is a streamx one, without unpipe).
      (input as Partial<Readable>).unpipe?.(ex as unknown as NodeJS.WritableStream);
      ex.destroy();
      (input as Partial<Readable>).destroy?.();
      // Report only once the entry in progress and the background writes have stopped touching the disk.
      const report = (): void =>
        void writes.settle().then(
          () => reject(err),
          () => reject(err),
        );
      void current.then(report, report);
    };
    ex.on('entry', (header: TarHeader, data: Readable, next: (err?: unknown) => void) => {
      const xattrs = takeXattrs() ?? xattrsFromStrings(header.pax); // must run before any await
      // A truncated tar destroys the entry stream, possibly before we start reading it; without
      // a listener that error would be uncaught. It still reaches us through ex's 'error'.
      data.on('error', () => undefined);
      current = handleEntry(ctx, opts, header, data, xattrs, result, writes).then(() => next(), fail);
    });
    ex.on('error', (err: Error) => fail(tarError(err, result.files)));
    // tar-stream can finish while the last (empty) entry is still being written: wait for it.
    ex.on('finish', () => {
      void current
        .then(() => writes.drain())
        .then(() => {
          if (settled) return;
          settled = true;
          resolve();
        }, fail);
    });
    input.on('error', fail);
    input.pipe(ex);
  });
  await applyDirTimes(ctx.root);
  return result;
}

async function handleEntry(
  ctx: Ctx,
  opts: ExtractOptions,
  h: TarHeader,
  data: AsyncIterable<Buffer> | Buffer,
  xattrs: Xattrs,
  result: ExtractResult,
  writes: FileWrites,
): Promise<void> {
  result.files++;
  try {
    const rel = cleanEntryPath(h.name);
    if (h.type !== 'file' && h.type !== 'contiguous-file') await drain(data);
    const wh = ctx.whiteouts === 'none' ? null : classifyWhiteout(rel, h.name);
    const small = (h.type === 'file' || h.type === 'contiguous-file') && (h.size ?? 0) <= SMALL_FILE && rel !== '' && wh === null && !opts.noOverwriteDirNonDir;
    if (small) {
      const entry = toEntry(h, rel, xattrs);
      if (opts.owner) Object.assign(entry, opts.owner);
      const content = Buffer.isBuffer(data) ? data : await readAll(data);
      await writes.claim(rel);
      await ensureParents(ctx.root, rel, h.name);
      const failed = (err: Error): never => {
        throw err instanceof BerthError ? err : internal(`archive/tar: extracting "${h.name}": ${err.message}`, err);
      };
      const written = writeFileContent(ctx, entry, content).catch(failed);
      writes.start(rel, opts.onWritten === undefined ? written : written.then(() => opts.onWritten!(rel, entry.xattrs.size === 0 ? content : undefined)));
      result.bytes += content.length;
      return;
    }
    await writes.drain();
    if (wh !== null && ctx.whiteouts !== 'none') {
      await drain(data);
      await applyWhiteout(ctx.root, wh, h.name, ctx.whiteouts, ctx.whitedOut);
      return;
    }
    const entry = toEntry(h, rel, xattrs);
    if (opts.owner) Object.assign(entry, opts.owner);
    if (opts.noOverwriteDirNonDir) await checkDirNonDir(ctx, entry);
    result.bytes += await writeEntry(ctx, entry, Buffer.isBuffer(data) ? [data] : data);
    opts.onWritten?.(rel);
  } catch (err) {
    if (err instanceof BerthError) throw err;
    throw internal(`archive/tar: extracting "${h.name}": ${(err as Error).message}`, err);
  }
}

function toEntry(h: TarHeader, rel: string, xattrs: Xattrs): Entry {
  if (!ENTRY_TYPES.includes(h.type as EntryType)) {
    throw invalidArgument(`archive/tar: "${h.name}": unsupported entry type ${h.type ?? 'unknown'}`);
  }
  // PAX records carry what the ustar fields cannot: big ids and sub-second times.
  const pax = h.pax ?? {};
  const num = (key: string, fallback: number): number => {
    const v = pax[key] === undefined ? NaN : Number(pax[key]);
    return Number.isFinite(v) ? v : fallback;
  };
  const mtime = num('mtime', (h.mtime?.getTime() ?? 0) / 1000);
  return {
    name: h.name,
    rel,
    type: h.type as EntryType,
    mode: (h.mode ?? 0o644) & 0o7777,
    uid: num('uid', h.uid ?? 0),
    gid: num('gid', h.gid ?? 0),
    mtime,
    atime: num('atime', mtime),
    linkname: h.linkname ?? '',
    devmajor: h.devmajor ?? 0,
    devminor: h.devminor ?? 0,
    xattrs,
  };
}

/** Docker's NoOverwriteDirNonDir: a directory and a non-directory never replace each other. */
async function checkDirNonDir(ctx: Ctx, e: Entry): Promise<void> {
  if (e.rel === '') return;
  const at = await entryAt(ctx.root, e.rel, e.name, false);
  const st = at === null ? null : await lstatOrNull(at.path).finally(() => at.release());
  if (st === null) return;
  if (st.isDirectory() && e.type !== 'directory') throw invalidArgument(`cannot overwrite directory "/${e.rel}" with non-directory "${e.name}"`);
  if (!st.isDirectory() && e.type === 'directory') throw invalidArgument(`cannot overwrite non-directory "/${e.rel}" with directory "${e.name}"`);
}

/** Regular files up to this size are read into memory and written in the background. */
const SMALL_FILE = 256 << 10;
/** How many of those may be in flight: enough to keep the thread pool busy. */
const MAX_WRITES = 16;

/**
 * The small-file writes in flight. A new write waits while its own path, an ancestor's or a
 * descendant's is still being written (a file may replace a directory and the other way round),
 * or while MAX_WRITES are in flight; `drain` waits for all and reports the first failure.
 */
class FileWrites {
  private readonly inflight = new Map<string, Promise<void>>();
  private error: unknown;

  async claim(rel: string): Promise<void> {
    for (;;) {
      if (this.error !== undefined) throw this.error;
      const clash = [...this.inflight.keys()].some((p) => p === rel || p.startsWith(`${rel}/`) || rel.startsWith(`${p}/`));
      if (!clash && this.inflight.size < MAX_WRITES) return;
      await Promise.race(this.inflight.values());
    }
  }

  start(rel: string, write: Promise<void>): void {
    const p = write.then(
      () => void this.inflight.delete(rel),
      (err: unknown) => {
        this.inflight.delete(rel);
        this.error ??= err;
      },
    );
    this.inflight.set(rel, p);
  }

  /** Waits for every write; throws the first failure. */
  async drain(): Promise<void> {
    await this.settle();
    if (this.error !== undefined) throw this.error;
  }

  /** Waits for every write, whatever their outcome. */
  async settle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all(this.inflight.values());
  }
}

async function readAll(data: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of data) chunks.push(chunk);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

async function drain(data: AsyncIterable<Buffer> | Buffer): Promise<void> {
  if (Buffer.isBuffer(data)) return;
  for await (const chunk of data) void chunk;
}

/** tar-stream's parse errors, in the wording Docker users know from Go's archive/tar. */
function tarError(err: Error, entries: number): Error {
  if (/invalid tar header/i.test(err.message)) return invalidArgument('archive/tar: invalid tar header');
  if (/unexpected end of data/i.test(err.message)) {
    return invalidArgument(entries === 0 ? 'archive/tar: invalid tar header' : 'archive/tar: unexpected EOF');
  }
  return err;
}
