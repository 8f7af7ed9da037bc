import { createReadStream, type Stats } from 'node:fs';
import { readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { lstatScoped, resolveInRoot } from '../lib/fs/scoped-path.js';
import { walkTree } from '../lib/fs/walk.js';

/** One thing to copy: a file, link or directory found under a source. */
export interface SourceEntry {
  /** Path under the source ('' for the source itself). */
  rel: string;
  hostPath?: string;
  /** Generated content (COPY <<EOF) instead of a host file. */
  content?: Buffer;
  /** Where the content comes from when it is not a host file (the build context's spool). */
  open?: () => Readable;
  /** The whole content at once, where that is cheaper than a stream (a small file in the spool). */
  read?: () => Promise<Buffer>;
  /** sha256 hex of the content when already known (hashed while the context was received). */
  sha256?: string;
  mode: number;
  kind: 'file' | 'dir' | 'symlink';
  mtime: Date;
  size: number;
  linkTarget?: string;
}

/**
 * A tree that COPY/ADD read sources from: the build context (held as an index over a spool
 * file, see context-index.ts) or a mounted image filesystem (`--from`). Paths are relative to
 * the root and resolved as a chroot at the root would: nothing outside it is ever reached.
 */
export interface SourceFs {
  /** The entry at `rel`, symlinks (the final one too) followed inside the root; undefined when missing. */
  lookup(rel: string): Promise<{ resolved: string; entry: SourceEntry } | undefined>;
  /**
   * Everything under the directory `rel` (not itself), depth-first, names in byte order, parents
   * first, symlinks not followed; each entry's rel is relative to `rel`. A directory for which
   * `skipChildren` is true is yielded but not entered.
   */
  walk(rel: string, skipChildren?: (rel: string) => boolean): AsyncIterable<SourceEntry> | Iterable<SourceEntry>;
}

/** The content of a file entry as a stream. */
export function openSource(e: SourceEntry): Readable {
  return e.open?.() ?? createReadStream(e.hostPath!);
}

/** Up to `n` first bytes of a file entry. */
export async function readHead(e: SourceEntry, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let got = 0;
  const stream = openSource(e);
  try {
    for await (const c of stream as AsyncIterable<Buffer>) {
      chunks.push(c);
      got += c.length;
      if (got >= n) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, n);
}

/** A directory on the host (a mounted stage or image), read through scoped path resolution. */
export function hostSourceFs(root: string): SourceFs {
  return {
    async lookup(rel) {
      const sp = await resolveInRoot(root, rel, true).catch(() => undefined);
      if (sp === undefined) return undefined;
      let st: Stats | undefined;
      try {
        st = await lstatScoped(sp).catch(() => undefined);
      } finally {
        await sp.close();
      }
      if (st === undefined) return undefined;
      const resolved = sp.resolved.replace(/^\/+/, '');
      return { resolved, entry: await hostEntry('', join(root, resolved), st) };
    },
    async *walk(rel, skipChildren) {
      const dir = rel === '' ? root : join(root, rel);
      for await (const e of walkTree(dir, skipChildren ? (w) => skipChildren(w.rel) : undefined)) {
        if (!e.st.isSocket()) yield await hostEntry(e.rel, join(dir, e.rel), e.st);
      }
    },
  };
}

async function hostEntry(rel: string, hostPath: string, st: Stats): Promise<SourceEntry> {
  const kind = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'file';
  return {
    rel,
    hostPath,
    mode: st.mode & 0o7777,
    kind,
    mtime: st.mtime,
    size: st.size,
    ...(kind === 'symlink' ? { linkTarget: await readlink(hostPath) } : {}),
  };
}
