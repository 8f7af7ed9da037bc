import { createHash } from 'node:crypto';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { extract as tarExtract, type Headers } from 'tar-stream';
import { invalidArgument } from '../lib/errdefs.js';
import { cleanEntryPath, parentOf } from '../lib/archive/safe-path.js';
import type { SourceEntry, SourceFs } from './source-fs.js';

/** One path of the context as the tar described it (ownership is not kept: COPY sets its own). */
export interface ContextNode {
  kind: 'file' | 'dir' | 'symlink';
  mode: number;
  mtime: Date;
  size: number;
  linkTarget?: string;
  /** file: where its content starts in the spool. */
  offset?: number;
  /** file: sha256 hex of its content. */
  sha256?: string;
}

const MAX_LINKS = 40;
const WRITE_BATCH = 1 << 20;
const READ_CHUNK = 1 << 20;
/** Files up to this size are served from a block read ahead. */
const SMALL_READ = 64 << 10;

/**
 * The build context without unpacking it: the tar body is read once, every file's content is
 * appended to one spool file (large sequential writes instead of a create, chown, chmod and
 * utimes per file) and hashed on the way, and the tree is kept as an index in memory. A fully
 * cached build then never touches the context's files again (cache keys use the digests taken
 * here); COPY streams the content it needs from the spool. `dispose` removes the spool.
 */
export class BuildContext implements SourceFs {
  private readonly nodes = new Map<string, ContextNode>([['', { kind: 'dir', mode: 0o755, mtime: new Date(0), size: 0 }]]);
  private childIndex: Map<string, string[]> | undefined;
  private reader: Promise<FileHandle> | undefined;
  /** The last block read for small files (see `chunks`). */
  private block: { start: number; buf: Buffer } | undefined;

  /** `dir`: the context's own directory, removed by `dispose`; none for a context over a kept spool. */
  private constructor(
    private readonly dir: string | undefined,
    private readonly spool: string,
  ) {}

  /**
   * An empty context over a spool kept elsewhere (BuildKit's kept local source, kept-contexts.ts):
   * nodes are added with `add` and point into that spool; `dispose` closes it and leaves it. The
   * spool is opened now, so a later compaction that renames a new one into place does not move
   * the content under this context.
   */
  static async overSpool(spool: string): Promise<BuildContext> {
    const ctx = new BuildContext(undefined, spool);
    ctx.reader = open(spool, 'r');
    await ctx.reader;
    return ctx;
  }

  /** Adds a path (a file's content already in the spool), with the same checks as a tar entry's. */
  add(rel: string, node: ContextNode): void {
    this.put(rel, rel, node);
  }

  /** Reads a context tar (already decompressed) into a new spool under `scratch`. */
  static async receive(scratch: string, tar: NodeJS.ReadableStream | Readable): Promise<BuildContext> {
    const dir = await mkdtemp(join(scratch, 'build-context-'));
    const ctx = new BuildContext(dir, join(dir, 'spool'));
    try {
      const fh = await open(ctx.spool, 'wx', 0o600);
      try {
        await ctx.index(tar, fh);
      } finally {
        await fh.close();
      }
    } catch (err) {
      await ctx.dispose();
      throw err;
    }
    return ctx;
  }

  async dispose(): Promise<void> {
    const reader = this.reader;
    this.reader = undefined;
    this.block = undefined;
    await reader?.then(
      (fh) => fh.close(),
      () => undefined,
    );
    if (this.dir !== undefined) await rm(this.dir, { recursive: true, force: true });
  }

  async lookup(rel: string): Promise<{ resolved: string; entry: SourceEntry } | undefined> {
    const resolved = this.resolve(rel);
    return resolved === undefined ? undefined : { resolved, entry: this.entry('', this.nodes.get(resolved)!) };
  }

  /** Synchronous (the index is in memory): a caller may iterate it without a wait per entry. */
  *walk(rel: string, skipChildren?: (rel: string) => boolean): Iterable<SourceEntry> {
    const base = rel === '' ? '' : `${rel}/`;
    const visit = function* (this: BuildContext, dirRel: string, under: string): Generator<SourceEntry> {
      for (const name of this.children(dirRel)) {
        const path = dirRel === '' ? name : `${dirRel}/${name}`;
        const sub = under === '' ? name : `${under}/${name}`;
        const node = this.nodes.get(path)!;
        yield this.entry(sub, node);
        if (node.kind === 'dir' && !skipChildren?.(sub)) yield* visit.call(this, path, sub);
      }
    };
    yield* visit.call(this, base === '' ? '' : rel, '');
  }

  /** Removes a path and everything under it (for `<Dockerfile>.dockerignore`). */
  remove(rel: string): void {
    const under = `${rel}/`;
    for (const p of this.nodes.keys()) if (p === rel || p.startsWith(under)) this.nodes.delete(p);
    this.childIndex = undefined;
  }

  /** The whole content of a file entry. */
  async readAll(e: SourceEntry): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of e.open!() as AsyncIterable<Buffer>) chunks.push(c);
    return Buffer.concat(chunks);
  }

  private entry(rel: string, n: ContextNode): SourceEntry {
    const e: SourceEntry = { rel, mode: n.mode, kind: n.kind, mtime: n.mtime, size: n.size };
    if (n.kind === 'symlink') e.linkTarget = n.linkTarget!;
    if (n.kind === 'file') {
      e.sha256 = n.sha256!;
      const { offset, size } = n as { offset: number; size: number };
      e.open = () => Readable.from(this.chunks(offset, size), { objectMode: false });
      if (size > 0 && size <= SMALL_READ) e.read = async () => this.readSmall(await (this.reader ??= open(this.spool, 'r')), offset, size);
    }
    return e;
  }

  /**
   * Content from the spool through one shared read-only handle (positional reads: no open and
   * close per file, no per-stream buffer), at most 1 MiB at a time. A small file comes from a
   * 1 MiB block read at once: files are read in walk order, which is mostly the spool's order,
   * so a directory of small files costs one read per block rather than one per file.
   */
  private async *chunks(offset: number, size: number): AsyncGenerator<Buffer> {
    this.reader ??= open(this.spool, 'r');
    const fh = await this.reader;
    if (size > 0 && size <= SMALL_READ) {
      yield await this.readSmall(fh, offset, size);
      return;
    }
    for (let done = 0; done < size;) {
      const want = Math.min(size - done, READ_CHUNK);
      const buf = Buffer.allocUnsafe(want);
      let got = 0;
      while (got < want) {
        const { bytesRead } = await fh.read(buf, got, want - got, offset + done + got);
        if (bytesRead === 0) throw new Error('build context spool ended early');
        got += bytesRead;
      }
      done += want;
      yield buf;
    }
  }

  private async readSmall(fh: FileHandle, offset: number, size: number): Promise<Buffer> {
    const b = this.block;
    if (b !== undefined && offset >= b.start && offset + size <= b.start + b.buf.length) return b.buf.subarray(offset - b.start, offset - b.start + size);
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    let got = 0;
    while (got < size) {
      const { bytesRead } = await fh.read(buf, got, READ_CHUNK - got, offset + got);
      if (bytesRead === 0) throw new Error('build context spool ended early');
      got += bytesRead;
    }
    // The spool is only ever appended to: bytes once read never change.
    this.block = { start: offset, buf: buf.subarray(0, got) };
    return buf.subarray(0, size);
  }

  /** `rel` with symlinks resolved as a chroot at the context root would; undefined when missing. */
  private resolve(rel: string): string | undefined {
    let parts = rel.split('/').filter((p) => p !== '' && p !== '.');
    const cur: string[] = [];
    let links = 0;
    while (parts.length > 0) {
      const p = parts.shift()!;
      if (p === '..') {
        cur.pop();
        continue;
      }
      const path = cur.length === 0 ? p : `${cur.join('/')}/${p}`;
      const node = this.nodes.get(path);
      if (node === undefined) return undefined;
      if (node.kind === 'symlink') {
        if (++links > MAX_LINKS) return undefined;
        if (node.linkTarget!.startsWith('/')) cur.length = 0;
        parts = [...node.linkTarget!.split('/').filter((x) => x !== '' && x !== '.'), ...parts];
        continue;
      }
      if (node.kind !== 'dir' && parts.length > 0) return undefined;
      cur.push(p);
    }
    return cur.join('/');
  }

  private children(dirRel: string): string[] {
    if (this.childIndex === undefined) {
      const idx = new Map<string, string[]>();
      for (const p of this.nodes.keys()) {
        if (p === '') continue;
        const parent = parentOf(p);
        const list = idx.get(parent) ?? [];
        list.push(p.slice(parent === '' ? 0 : parent.length + 1));
        idx.set(parent, list);
      }
      for (const list of idx.values()) sortBytewise(list);
      this.childIndex = idx;
    }
    return this.childIndex.get(dirRel) ?? [];
  }

  private async index(tar: NodeJS.ReadableStream | Readable, fh: FileHandle): Promise<void> {
    let pos = 0;
    let batch: Buffer[] = [];
    let pending = 0;
    const flush = async (): Promise<void> => {
      const buf = batch.length === 1 ? batch[0]! : Buffer.concat(batch, pending);
      batch = [];
      pending = 0;
      for (let off = 0; off < buf.length;) off += (await fh.write(buf, off)).bytesWritten;
    };
    const ex = tarExtract();
    let received = 0;
    let lastFileEnd: number | undefined; // size % 512 of a file whose data ended the stream so far
    const entries = async (): Promise<void> => {
      for await (const entry of ex) {
        lastFileEnd = undefined;
        const h = entry.header as Headers;
        const rel = cleanEntryPath(h.name);
        const mode = (h.mode ?? 0o644) & 0o7777;
        const mtime = h.mtime ?? new Date(0);
        if (h.type === 'file' || h.type === 'contiguous-file') {
          const hash = createHash('sha256');
          const offset = pos;
          for await (const c of entry as AsyncIterable<Buffer>) {
            hash.update(c);
            batch.push(c);
            pending += c.length;
            pos += c.length;
            if (pending >= WRITE_BATCH) await flush();
          }
          this.put(h.name, rel, { kind: 'file', mode, mtime, size: pos - offset, offset, sha256: hash.digest('hex') });
          lastFileEnd = (pos - offset) % 512;
          continue;
        }
        entry.resume();
        if (h.type === 'directory') this.put(h.name, rel, { kind: 'dir', mode, mtime, size: 0 });
        else if (h.type === 'symlink') this.put(h.name, rel, { kind: 'symlink', mode, mtime, size: 0, linkTarget: h.linkname ?? '' });
        else if (h.type === 'link') {
          const target = this.nodes.get(cleanEntryPath(h.linkname ?? ''));
          if (target?.kind !== 'file') throw invalidArgument(`archive/tar: invalid hard link "${h.name}" -> "${h.linkname}": target is not a file before it`);
          this.put(h.name, rel, { ...target });
        }
        // Devices and fifos have no place in a build context: they are left out.
      }
    };
    const reading = entries();
    tar.on('error', (err: Error) => ex.destroy(err));
    tar.on('data', (c: Buffer) => (received += c.length));
    tar.pipe(ex);
    try {
      await reading;
    } catch (err) {
      // The docker CLI's context with a Dockerfile from outside it (ReplaceFileTarWrapper) ends
      // right after the last file's data, without padding or end blocks; Go's tar reader takes
      // that end for the archive's end, so this does too. Any other truncation is an error.
      const endsAfterData = lastFileEnd !== undefined && lastFileEnd !== 0 && received % 512 === lastFileEnd;
      if (!(endsAfterData && (err as Error).message === 'Unexpected end of data')) {
        tar.unpipe(ex);
        (tar as Partial<Readable>).destroy?.();
        throw err;
      }
    }
    if (pending > 0) await flush();
  }

  private put(name: string, rel: string, node: ContextNode): void {
    if (rel === '') {
      if (node.kind !== 'dir') throw invalidArgument(`archive/tar: invalid path "${name}": only a directory can be the root`);
      this.nodes.set('', node);
      return;
    }
    for (let p = parentOf(rel); p !== ''; p = parentOf(p)) {
      const parent = this.nodes.get(p);
      if (parent === undefined) this.nodes.set(p, { kind: 'dir', mode: 0o755, mtime: new Date(0), size: 0 });
      else if (parent.kind !== 'dir') throw invalidArgument(`archive/tar: invalid path "${name}": parent "${p}" is not a directory`);
      else break; // its own parents were made when it was
    }
    const old = this.nodes.get(rel);
    if (old?.kind === 'dir' && node.kind !== 'dir') this.remove(rel);
    this.nodes.set(rel, node);
    this.childIndex = undefined;
  }
}

/**
 * Sorts names in the byte order of their UTF-8 (Go's, and the walk order the contract promises).
 * JavaScript's own order compares UTF-16 units, which agrees unless a name has a character
 * beyond the BMP: only then are the names compared as bytes.
 */
function sortBytewise(names: string[]): void {
  if (names.some((n) => SURROGATE.test(n))) names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  else names.sort();
}

const SURROGATE = /[\ud800-\udfff]/;
