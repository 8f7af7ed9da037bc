import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readdir, rm, stat, utimes, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { mkdirp, readJsonIfExists, writeJsonAtomic } from '../lib/atomic-file.js';
import { KeyedLock } from '../lib/keyed-lock.js';
import { timed } from '../lib/phase-timer.js';
import { BuildContext, type ContextNode } from './context-index.js';

/** One path of a context as its sender described it; `fingerprint` is its whole stat, compared as is. */
export interface KeptEntry {
  path: string;
  kind: 'file' | 'dir' | 'symlink' | 'hardlink';
  mode: number;
  mtime: Date;
  size: number;
  /** symlink target, or the hard link's first path. */
  linkname: string;
  fingerprint: string;
}

/** What a receive tells the store: whether a file is unchanged, then every entry in the sender's order. */
export interface ContextReceiver {
  /** The file at `e.path` had this same stat last time: its content need not cross again. */
  unchanged(e: Pick<KeptEntry, 'path' | 'fingerprint'>): boolean;
  /** An entry; a file's `content` unless `unchanged` said yes for it. Only an entry with content has something to wait for. */
  add(e: KeptEntry, content?: AsyncIterable<Buffer>): Promise<void> | void;
}

interface KeptNode extends ContextNode {
  fingerprint?: string;
}

interface KeptIndex {
  spool: string;
  entries: Array<[string, KeptNode]>;
}

/** One node as the index file holds it (a tuple: 3000 files make a small file that parses fast). */
type SavedNode = [
  path: string,
  kind: KeptNode['kind'],
  mode: number,
  mtimeMs: number,
  size: number,
  offset: number,
  sha256: string,
  fingerprint: string,
  link: string,
];

const saveNode = ([p, n]: [string, KeptNode]): SavedNode => [
  p,
  n.kind,
  n.mode,
  n.mtime.getTime(),
  n.size,
  n.offset ?? -1,
  n.sha256 ?? '',
  n.fingerprint ?? '',
  n.linkTarget ?? '',
];

function loadNode([p, kind, mode, mtimeMs, size, offset, sha256, fingerprint, link]: SavedNode): [string, KeptNode] {
  const n: KeptNode = { kind, mode, mtime: new Date(mtimeMs), size, fingerprint };
  if (kind === 'file') Object.assign(n, { offset, sha256 });
  if (kind === 'symlink') n.linkTarget = link;
  return [p, n];
}

async function saveIndex(dir: string, index: KeptIndex): Promise<void> {
  await writeJsonAtomic(join(dir, 'index.json'), { spool: index.spool, entries: index.entries.map(saveNode) });
}

/** A kept index as a receive uses it: path → node. */
interface MemIndex {
  spool: string;
  nodes: Map<string, KeptNode>;
}

const toMap = (index: KeptIndex): MemIndex => ({ spool: index.spool, nodes: new Map(index.entries) });

/** How long the index of a context received unchanged stays in memory (`remember`). */
const REMEMBER_MS = 2 * 60_000;
/** How many contexts are kept (least recently received dropped first). */
const MAX_KEPT = 16;
/** A spool is rewritten with only what is still used once the unused part is this large and larger than the used part. */
const COMPACT_BYTES = 64 << 20;
const WRITE_BATCH = 1 << 20;

/**
 * The last context received per shared key, as BuildKit's local source keeps it: one directory
 * per key holding an append-only spool of file contents and an index (path → node with the
 * sender's stat). The next receive asks the sender only for files whose stat changed; unchanged
 * files keep pointing at their old content, new content is appended, a path the sender no longer
 * lists is simply not in the new index. The index is replaced atomically once the spool is synced,
 * so a crash leaves the last good index (and at worst unused bytes). Receives of one key run one
 * at a time; every context handed out holds its own open spool, so a later receive, compaction,
 * eviction or prune never changes what a build in progress reads. `builder prune` drops them.
 */
export class KeptContexts {
  private readonly lock = new KeyedLock();

  constructor(private readonly dir: string) {}

  /** A context for `key`, filled by `fill` through a receiver that knows the last one. */
  async receive(key: string, fill: (rx: ContextReceiver) => Promise<void>): Promise<BuildContext> {
    const id = createHash('sha256').update(key).digest('hex').slice(0, 32);
    const ctx = await this.lock.run(id, () => this.receiveLocked(join(this.dir, id), fill));
    await timed('build: kept context: evict', () => this.evict()).catch(() => undefined); // a bound, never worth failing a build
    return ctx;
  }

  /** Drops every kept context (`builder prune`); returns the bytes freed. */
  async prune(): Promise<number> {
    let freed = 0;
    for (const id of await this.ids()) freed += await this.lock.run(id, () => this.remove(join(this.dir, id)));
    return freed;
  }

  private async receiveLocked(dir: string, fill: (rx: ContextReceiver) => Promise<void>): Promise<BuildContext> {
    await mkdirp(dir, 0o700);
    const now = new Date();
    await utimes(dir, now, now); // the directory's mtime says when it was last received (eviction)
    const known = await this.recall(dir);
    const index = known ?? (await timed('build: kept context: load index', async () => toMap(await loadIndex(dir))));
    const prev = index.nodes;
    const spoolPath = join(dir, index.spool);
    const fh = await open(spoolPath, constants.O_RDWR | constants.O_CREAT, 0o600);
    let ctx: BuildContext | undefined;
    try {
      const start = (await fh.stat()).size;
      const out = appender(fh, start);
      ctx = await BuildContext.overSpool(spoolPath);
      const nodes = new Map<string, KeptNode>();
      const rx: ContextReceiver = {
        unchanged: (e) => {
          const old = prev.get(e.path);
          return old?.kind === 'file' && old.fingerprint === e.fingerprint;
        },
        add: (e, content) => {
          if (content !== undefined && e.kind === 'file') return addContent(e, content);
          const node = nodeOf(e);
          ctx!.add(e.path, node);
          nodes.set(e.path, node);
          return undefined;
        },
      };
      /** A new or changed file: its content appended to the spool and hashed on the way. */
      const addContent = async (e: KeptEntry, content: AsyncIterable<Buffer>): Promise<void> => {
        const hash = createHash('sha256');
        const offset = out.pos();
        for await (const c of content) {
          hash.update(c);
          await out.write(c);
        }
        const node: KeptNode = {
          kind: 'file',
          mode: e.mode & 0o7777,
          mtime: e.mtime,
          size: out.pos() - offset,
          offset,
          sha256: hash.digest('hex'),
          fingerprint: e.fingerprint,
        };
        ctx!.add(e.path, node);
        nodes.set(e.path, node);
      };
      /** Any other entry: a directory, a link, or a file whose content is the one kept from last time. */
      const nodeOf = (e: KeptEntry): KeptNode => {
        const mode = e.mode & 0o7777;
        if (e.kind === 'dir') return { kind: 'dir', mode, mtime: e.mtime, size: 0, fingerprint: e.fingerprint };
        if (e.kind === 'symlink') return { kind: 'symlink', mode, mtime: e.mtime, size: 0, linkTarget: e.linkname, fingerprint: e.fingerprint };
        if (e.kind === 'hardlink') {
          const target = nodes.get(e.linkname);
          if (target?.kind !== 'file')
            throw new Error(`invalid hard link ${JSON.stringify(e.path)} -> ${JSON.stringify(e.linkname)}: target is not a file before it`);
          return { ...target };
        }
        const old = prev.get(e.path);
        if (old?.kind !== 'file') throw new Error(`no kept content for ${JSON.stringify(e.path)}`);
        return { kind: 'file', mode, mtime: e.mtime, size: old.size, offset: old.offset!, sha256: old.sha256!, fingerprint: e.fingerprint };
      };
      await timed('build: kept context: fill', () => fill(rx));
      // Nothing new (no content, the same paths): the kept index stands as it is, and is remembered.
      if (out.pos() !== start || nodes.size !== prev.size || changedPath(nodes, prev)) {
        await out.flush();
        await fh.sync();
        await timed('build: kept context: save index', () => saveIndex(dir, { spool: index.spool, entries: [...nodes] }));
      } else this.remember(dir, { spool: index.spool, nodes }, start);
      return ctx;
    } catch (err) {
      await ctx?.dispose();
      throw err;
    } finally {
      await fh.close();
    }
  }

  /**
   * The index of a context received unchanged, held in memory for REMEMBER_MS: the next build of
   * the same context (an edit-build loop, or CI building twice) reads and parses no index file.
   * Only an unchanged receive is remembered (it appended nothing: no compaction can be due), and
   * only while its spool still has the size it had.
   */
  private readonly remembered = new Map<string, { index: MemIndex; spoolSize: number; timer: NodeJS.Timeout }>();

  private remember(dir: string, index: MemIndex, spoolSize: number): void {
    this.forget(dir);
    const timer = setTimeout(() => this.remembered.delete(dir), REMEMBER_MS).unref();
    this.remembered.set(dir, { index, spoolSize, timer });
  }

  private forget(dir: string): void {
    clearTimeout(this.remembered.get(dir)?.timer);
    this.remembered.delete(dir);
  }

  /** The remembered index of `dir` (then forgotten: a receive remembers again only if nothing changed). */
  private async recall(dir: string): Promise<MemIndex | undefined> {
    const known = this.remembered.get(dir);
    if (known === undefined) return undefined;
    this.forget(dir);
    const size = (await stat(join(dir, known.index.spool)).catch(() => undefined))?.size;
    return size === known.spoolSize ? known.index : undefined;
  }

  private async ids(): Promise<string[]> {
    return (await readdir(this.dir).catch(() => [] as string[])).filter((n) => /^[0-9a-f]{32}$/.test(n));
  }

  /** Keeps at most MAX_KEPT contexts: the least recently received go. */
  private async evict(): Promise<void> {
    const ids = await this.ids();
    if (ids.length <= MAX_KEPT) return;
    const aged = await Promise.all(ids.map(async (id) => ({ id, t: (await stat(join(this.dir, id)).catch(() => undefined))?.mtimeMs ?? 0 })));
    aged.sort((a, b) => a.t - b.t);
    for (const { id } of aged.slice(0, aged.length - MAX_KEPT)) await this.lock.run(id, () => this.remove(join(this.dir, id)));
  }

  private remove(dir: string): Promise<number> {
    this.forget(dir);
    return removeDir(dir);
  }
}

/** Whether a path is new or its stat differs from the last receive's. */
function changedPath(nodes: Map<string, KeptNode>, prev: Map<string, KeptNode>): boolean {
  for (const [p, n] of nodes) if (prev.get(p)?.fingerprint !== n.fingerprint) return true;
  return false;
}

/**
 * The kept index of `dir`, checked against its spool (an index that names content past the
 * spool's end is dropped: everything is asked for again), compacted when mostly unused.
 */
async function loadIndex(dir: string): Promise<KeptIndex> {
  const saved = await readJsonIfExists<{ spool: string; entries: SavedNode[] }>(join(dir, 'index.json')).catch(() => undefined);
  const fresh: KeptIndex = { spool: 'spool-1', entries: [] };
  if (saved === undefined || !/^spool-\d+$/.test(saved.spool) || !Array.isArray(saved.entries)) {
    await rm(join(dir, fresh.spool), { force: true });
    return fresh;
  }
  const index: KeptIndex = { spool: saved.spool, entries: saved.entries.map(loadNode) };
  const size = (await stat(join(dir, index.spool)).catch(() => undefined))?.size ?? -1;
  const ranges = liveRanges(index);
  if (ranges.some(([off, len]) => off + len > size)) {
    const next = nextSpool(index.spool);
    await rm(join(dir, next), { force: true });
    return { spool: next, entries: [] };
  }
  const live = ranges.reduce((n, [, len]) => n + len, 0);
  if (size - live < COMPACT_BYTES || size - live < live) return index;
  return compact(dir, index, ranges);
}

/** The distinct (offset, size) ranges the index's files use (hard links share one), by offset. */
function liveRanges(index: KeptIndex): Array<[number, number]> {
  const byOffset = new Map<number, number>();
  for (const [, n] of index.entries) if (n.kind === 'file' && n.size > 0) byOffset.set(n.offset!, n.size);
  return [...byOffset].sort((a, b) => a[0] - b[0]);
}

const nextSpool = (name: string): string => `spool-${Number(name.slice('spool-'.length)) + 1}`;

/** Copies the used ranges into the next spool, then names it in the index; the old spool goes last. */
async function compact(dir: string, index: KeptIndex, ranges: Array<[number, number]>): Promise<KeptIndex> {
  const next = nextSpool(index.spool);
  const moved = new Map<number, number>();
  const src = await open(join(dir, index.spool), 'r');
  const dst = await open(join(dir, next), 'w', 0o600);
  try {
    const out = appender(dst, 0);
    for (const [off, len] of ranges) {
      moved.set(off, out.pos());
      for (let done = 0; done < len;) {
        const want = Math.min(len - done, WRITE_BATCH);
        const buf = Buffer.allocUnsafe(want);
        const { bytesRead } = await src.read(buf, 0, want, off + done);
        if (bytesRead === 0) throw new Error('kept context spool ended early');
        await out.write(buf.subarray(0, bytesRead));
        done += bytesRead;
      }
    }
    await out.flush();
    await dst.sync();
  } finally {
    await src.close();
    await dst.close();
  }
  const entries = index.entries.map(([p, n]): [string, KeptNode] => [p, n.kind === 'file' && n.size > 0 ? { ...n, offset: moved.get(n.offset!)! } : n]);
  const compacted = { spool: next, entries };
  await saveIndex(dir, compacted);
  await rm(join(dir, index.spool), { force: true });
  return compacted;
}

/** Sequential writes at `pos` onwards, batched to about 1 MiB. */
function appender(fh: FileHandle, start: number): { write(c: Buffer): Promise<void>; flush(): Promise<void>; pos(): number } {
  let pos = start;
  let written = start;
  let batch: Buffer[] = [];
  let pending = 0;
  const flush = async (): Promise<void> => {
    if (pending === 0) return;
    const buf = batch.length === 1 ? batch[0]! : Buffer.concat(batch, pending);
    batch = [];
    pending = 0;
    for (let off = 0; off < buf.length;) {
      const { bytesWritten } = await fh.write(buf, off, buf.length - off, written);
      off += bytesWritten;
      written += bytesWritten;
    }
  };
  return {
    async write(c) {
      batch.push(c);
      pending += c.length;
      pos += c.length;
      if (pending >= WRITE_BATCH) await flush();
    },
    flush,
    pos: () => pos,
  };
}

async function removeDir(dir: string): Promise<number> {
  let bytes = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) bytes += (await stat(join(dir, name)).catch(() => undefined))?.size ?? 0;
  await rm(dir, { recursive: true, force: true });
  return bytes;
}
