import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { extract } from 'tar-stream';
import type { Readable } from 'node:stream';
import { rebaseName, splitTar } from './rebase.js';
import { streamOf, makeTar } from './tar-fixture.js';
import { tarWriter, type TarWriter } from './tar-writer.js';

async function namesOf(stream: Readable): Promise<string[]> {
  const ex = extract();
  stream.on('error', (err) => ex.destroy(err));
  stream.pipe(ex as unknown as NodeJS.WritableStream);
  const names: string[] = [];
  for await (const e of ex as AsyncIterable<Readable & { header: { name: string; linkname?: string | null } }>) {
    names.push(e.header.linkname ? `${e.header.name}->${e.header.linkname}` : e.header.name);
    for await (const c of e) void c;
  }
  return names;
}

const byTop = (name: string): { to: number; name: string } | null => {
  if (name === 'mnt/') return null;
  return name.startsWith('mnt/') ? { to: 1, name: name.slice(4) } : { to: 0, name };
};

describe('rebaseName', () => {
  it('moves the top entry and everything under it, as Docker rebases cp archives', () => {
    const r = rebaseName('data', 'copy');
    assert.deepEqual(['data/', 'data/a', 'data/sub/', 'other', 'database'].map(r), ['copy/', 'copy/a', 'copy/sub/', 'other', 'database']);
    const dot = rebaseName('.', 'out');
    assert.deepEqual(['./', './a', './sub/'].map(dot), ['out/', 'out/a', 'out/sub/']);
    assert.equal(rebaseName('f.txt', 'g.txt')('f.txt'), 'g.txt');
  });
});

describe('splitTar', () => {
  it('routes each entry to its writer under its new name; hard links stay in their writer', async () => {
    const tar = await makeTar([
      { name: 'a.txt', body: 'a' },
      { name: 'mnt/', type: 'directory' },
      { name: 'mnt/b.txt', body: 'b' },
      { name: 'mnt/b2', type: 'link', linkname: 'mnt/b.txt' },
    ]);
    const writers: TarWriter[] = [tarWriter(), tarWriter()];
    const read = writers.map((w) => namesOf(w.stream));
    await splitTar(streamOf(tar), writers, byTop);
    assert.deepEqual(await Promise.all(read), [['a.txt'], ['b.txt', 'b2->b.txt']]);
  });

  it('refuses a hard link across writers and fails every writer', async () => {
    const tar = await makeTar([
      { name: 'a.txt', body: 'a' },
      { name: 'mnt/l', type: 'link', linkname: 'a.txt' },
    ]);
    const writers: TarWriter[] = [tarWriter(), tarWriter()];
    const read = writers.map((w) => namesOf(w.stream).catch((err: Error) => err.message));
    await assert.rejects(splitTar(streamOf(tar), writers, byTop), /mnt\/l: a hard link to a\.txt on another mount/);
    for (const r of await Promise.all(read)) assert.equal(typeof r, 'string');
  });
});
