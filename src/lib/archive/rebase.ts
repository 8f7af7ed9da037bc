import type { Readable } from 'node:stream';
import { extract, type Headers } from 'tar-stream';
import type { TarWriter } from './tar-writer.js';

/**
 * Copies every entry of the tar `input` into `w`, renaming each (and hard-link targets) with
 * `rename`; null drops the entry. This is how `cp` gives an archive's top entry the name the
 * destination asks for (Docker's RebaseArchiveEntries).
 */
export async function appendTar(w: TarWriter, input: Readable, rename: (name: string) => string | null): Promise<void> {
  const ex = extract();
  input.on('error', (err) => ex.destroy(err));
  input.pipe(ex as unknown as NodeJS.WritableStream);
  for await (const entry of ex as AsyncIterable<Readable & { header: Headers }>) {
    const h = entry.header;
    const name = rename(h.name);
    if (name === null) {
      for await (const c of entry) void c;
      continue;
    }
    const header: Headers = { ...h, name };
    if (h.type === 'link' && h.linkname) header.linkname = rename(h.linkname) ?? h.linkname;
    if (h.type === 'file' || h.type === 'contiguous-file') await w.addStream(name, h.size ?? 0, entry, header);
    else {
      for await (const c of entry) void c;
      await w.addEntry(header);
    }
  }
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
