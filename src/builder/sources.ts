import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, posix } from 'node:path';
import { invalidArgument } from '../lib/errdefs.js';
import { contextFilter } from '../lib/dockerignore.js';
import type { SourceEntry, SourceFs } from './source-fs.js';

export type { SourceEntry } from './source-fs.js';

export interface ResolvedSource {
  /** The name a single file gets inside a destination directory. */
  name: string;
  isDir: boolean;
  /** For a directory: its contents (not the directory itself); for a file: one entry with rel ''. */
  entries: SourceEntry[];
  /** ADD of a local archive: extracted instead of copied. */
  archive?: boolean;
  /** Where it is inside the root it was resolved in (`COPY --parents` keeps it under the destination). */
  path?: string;
}

const GLOB = /[*?[]/;

/**
 * Resolves COPY/ADD sources inside `root` (the context, or a stage's root filesystem). Paths are
 * cleaned and symlinks followed the way a chroot at `root` would: nothing outside it is ever
 * read, and a source written as `../x` is refused outright, as Docker does.
 */
export async function resolveSources(root: SourceFs, sources: string[], cmd: string): Promise<ResolvedSource[]> {
  const out: ResolvedSource[] = [];
  for (const src of sources) {
    const clean = posix.normalize(src);
    if (clean === '..' || clean.startsWith('../')) throw invalidArgument(`${cmd} failed: forbidden path outside the build context: ${src} ()`);
    const rel = posix.normalize(`/${clean}`).slice(1);
    const names = GLOB.test(rel) ? await globMatches(root, rel) : [rel];
    if (names.length === 0) throw invalidArgument(`${cmd} failed: no source files were specified`);
    for (const name of names) out.push(await resolveOne(root, name, src, cmd));
  }
  return out;
}

async function resolveOne(root: SourceFs, rel: string, written: string, cmd: string): Promise<ResolvedSource> {
  const found = await root.lookup(rel);
  if (found === undefined)
    throw invalidArgument(`${cmd} failed: file not found in build context or excluded by .dockerignore: stat ${written}: file does not exist`);
  const name = basename(found.resolved) || basename(rel);
  if (found.entry.kind !== 'dir') return { name, isDir: false, entries: [found.entry], path: rel };
  const entries: SourceEntry[] = [];
  const walk = root.walk(found.resolved);
  if (Symbol.iterator in walk) for (const e of walk) entries.push(e);
  else for await (const e of walk) entries.push(e);
  return { name: basename(rel), isDir: true, entries, path: rel };
}

/**
 * `COPY --exclude=pattern` (BuildKit): .dockerignore-style patterns matched against each source's
 * own paths — a directory's entries relative to it, a file by its name. A source left empty stays
 * (its directory is still made); a file source excluded is dropped.
 */
export function excludeFromSources(sources: ResolvedSource[], patterns: string[]): ResolvedSource[] {
  if (patterns.length === 0) return sources;
  const filter = contextFilter(patterns);
  return sources.flatMap((s) => {
    if (!s.isDir) return filter.excludes(s.name) ? [] : [s];
    return [{ ...s, entries: s.entries.filter((e) => !filter.excludes(e.rel)) }];
  });
}

/** Context paths matching a Go filepath.Match pattern (`*`, `?`, `[…]` within one component). */
async function globMatches(root: SourceFs, pattern: string): Promise<string[]> {
  const parts = pattern.split('/');
  const re = new RegExp(`^${parts.map(componentRegex).join('/')}$`);
  const out: string[] = [];
  for await (const e of root.walk('', (rel) => rel.split('/').length >= parts.length)) if (re.test(e.rel)) out.push(e.rel);
  return out;
}

function componentRegex(p: string): string {
  let r = '';
  for (let k = 0; k < p.length; k++) {
    const c = p[k]!;
    if (c === '*') r += '[^/]*';
    else if (c === '?') r += '[^/]';
    else if (c === '[') {
      const end = p.indexOf(']', k + 1);
      if (end < 0) throw invalidArgument(`syntax error in pattern: ${p}`);
      r += `[${p
        .slice(k + 1, end)
        .replace(/^!/, '^')
        .replace(/\\/g, '\\\\')}]`;
      k = end;
    } else r += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return r;
}

/**
 * The content digest of sources for the cache: names, kinds, modes, link targets and file
 * contents — never mtimes (ownership comes from --chown, which is part of the instruction).
 */
export async function digestSources(sources: ResolvedSource[]): Promise<string> {
  // File contents are hashed many at a time (contexts are often thousands of small files).
  const files = sources.flatMap((s) => s.entries).filter((e) => e.kind === 'file' && e.content === undefined && e.sha256 === undefined);
  const sums = new Map<SourceEntry, string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const e = files[next++]!;
      sums.set(e, await fileDigest(e.hostPath!, e.size));
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  // Hashed a batch of text at a time (one update per entry's three pieces was a third of the cost).
  const h = createHash('sha256');
  let text = '';
  for (const s of sources) {
    text += `source ${s.name} ${s.isDir ? 'dir' : 'file'} ${s.archive ? 'archive' : ''}\n`;
    for (const e of s.entries) {
      text += `${e.rel}\0${e.kind}\0${e.mode.toString(8)}\0${e.linkTarget ?? ''}\0`;
      if (e.kind === 'file') {
        const content = e.content ?? e.sha256 ?? sums.get(e)!;
        if (typeof content === 'string') text += content;
        else {
          h.update(text);
          h.update(content);
          text = '';
        }
      }
      text += '\n';
      if (text.length >= 1 << 16) {
        h.update(text);
        text = '';
      }
    }
  }
  h.update(text);
  return `sha256:${h.digest('hex')}`;
}

async function fileDigest(path: string, size: number): Promise<string> {
  const h = createHash('sha256');
  if (size < 1 << 20) return h.update(await readFile(path)).digest('hex');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}
