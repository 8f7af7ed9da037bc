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
  /** An entry; a file's `content` unless `unchanged` said yes for it. */
  add(e: KeptEntry, content?: AsyncIterable<Buffer>): Promise<void>;
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
    for (const id of await this.ids()) freed += await this.lock.run(id, () => removeDir(join(this.dir, id)));
    return freed;
  }

  private async receiveLocked(dir: string, fill: (rx: ContextReceiver) => Promise<void>): Promise<BuildContext> {
    await mkdirp(dir, 0o700);
    const now = new Date();
    await utimes(dir, now, now); // the directory's mtime says when it was last received (eviction)
    const index = await timed('build: kept context: load index', () => loadIndex(dir));
    const prev = new Map(index.entries);
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
        add: async (e, content) => {
          const base = { mode: e.mode & 0o7777, mtime: e.mtime, size: 0, fingerprint: e.fingerprint };
          let node: KeptNode;
          if (e.kind === 'dir') node = { ...base, kind: 'dir' };
          else if (e.kind === 'symlink') node = { ...base, kind: 'symlink', linkTarget: e.linkname };
          else if (e.kind === 'hardlink') {
            const target = nodes.get(e.linkname);
            if (target?.kind !== 'file')
              throw new Error(`invalid hard link ${JSON.stringify(e.path)} -> ${JSON.stringify(e.linkname)}: target is not a file before it`);
            node = { ...target };
          } else if (content === undefined) {
            const old = prev.get(e.path);
            if (old?.kind !== 'file') throw new Error(`no kept content for ${JSON.stringify(e.path)}`);
            node = { ...old, mode: base.mode, mtime: base.mtime };
          } else {
            const hash = createHash('sha256');
            const offset = out.pos();
            for await (const c of content) {
              hash.update(c);
              await out.write(c);
            }
            node = { ...base, kind: 'file', size: out.pos() - offset, offset, sha256: hash.digest('hex') };
          }
          ctx!.add(e.path, node);
          nodes.set(e.path, node);
        },
      };
      await timed('build: kept context: fill', () => fill(rx));
      // Nothing new (no content, the same paths): the kept index stands as it is.
      if (out.pos() !== start || nodes.size !== prev.size || changedPath(nodes, prev)) {
        await out.flush();
        await fh.sync();
        await timed('build: kept context: save index', () => saveIndex(dir, { spool: index.spool, entries: [...nodes] }));
      }
      return ctx;
    } catch (err) {
      await ctx?.dispose();
      throw err;
    } finally {
      await fh.close();
    }
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
    for (const { id } of aged.slice(0, aged.length - MAX_KEPT)) await this.lock.run(id, () => removeDir(join(this.dir, id)));
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
