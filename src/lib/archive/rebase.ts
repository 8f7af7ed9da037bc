import type { Readable } from 'node:stream';
import { extract, type Headers } from 'tar-stream';
import { invalidArgument } from '../errdefs.js';
import type { TarWriter } from './tar-writer.js';

/** Where one entry of a tar goes: a writer and its name there. */
type Placement = { w: TarWriter; name: string } | null;

/**
 * Copies every entry of the tar `input` to the writer `place` names for it, under the name it
 * gives (hard-link targets too, which must land in the same writer); null drops the entry.
 */
async function copyEntries(input: Readable, place: (name: string) => Placement): Promise<void> {
  const ex = extract();
  input.on('error', (err) => ex.destroy(err));
  input.pipe(ex as unknown as NodeJS.WritableStream);
  for await (const entry of ex as AsyncIterable<Readable & { header: Headers }>) {
    const h = entry.header;
    const to = place(h.name);
    if (to === null) {
      for await (const c of entry) void c;
      continue;
    }
    const header: Headers = { ...h, name: to.name };
    if (h.type === 'link' && h.linkname) {
      const target = place(h.linkname);
      if (target !== null && target.w !== to.w) throw invalidArgument(`${h.name}: a hard link to ${h.linkname} on another mount`);
      header.linkname = target?.name ?? h.linkname;
    }
    if (h.type === 'file' || h.type === 'contiguous-file') await to.w.addStream(to.name, h.size ?? 0, entry, header);
    else {
      for await (const c of entry) void c;
      await to.w.addEntry(header);
    }
  }
}

/**
 * Copies every entry of the tar `input` into `w`, renaming each (and hard-link targets) with
 * `rename`; null drops the entry. This is how `cp` gives an archive's top entry the name the
 * destination asks for (Docker's RebaseArchiveEntries).
 */
export function appendTar(w: TarWriter, input: Readable, rename: (name: string) => string | null): Promise<void> {
  return copyEntries(input, (name) => {
    const to = rename(name);
    return to === null ? null : { w, name: to };
  });
}

/**
 * Splits the tar `input` among `writers` (`route`: an entry name → the writer's index and the
 * name there, or null to drop it), then finishes them all; on any failure they all fail, so every
 * reader sees it. A hard link must stay in its target's writer.
 */
export async function splitTar(input: Readable, writers: TarWriter[], route: (name: string) => { to: number; name: string } | null): Promise<void> {
  try {
    await copyEntries(input, (name) => {
      const r = route(name);
      return r === null ? null : { w: writers[r.to]!, name: r.name };
    });
  } catch (err) {
    for (const w of writers) w.fail(err as Error);
    // The rest of the input is read and dropped: its sender (an HTTP client) still gets the answer.
    input.unpipe();
    input.resume();
    throw err;
  }
  for (const w of writers) w.finish();
}

/** Docker's rebase rule: `old` itself and everything under `old/` move to `new`. */
export function rebaseName(oldBase: string, newBase: string): (name: string) => string {
  const strip = (s: string): string => s.replace(/^\.\//, '').replace(/\/+$/, '');
  const from = strip(oldBase);
  return (name) => {
    const clean = name.replace(/^\.\//, '');
    const dir = clean.endsWith('/') ? '/' : '';
    const n = clean.replace(/\/+$/, '');
    if (from === '' || from === '.') return `${newBase}/${n}${dir}`.replace(/^\.\/$/, './');
    if (n === from) return `${newBase}${dir}`;
    if (n.startsWith(`${from}/`)) return `${newBase}${n.slice(from.length)}${dir}`;
    return name;
  };
}
