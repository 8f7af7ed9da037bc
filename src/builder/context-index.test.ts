import { createHash } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { makeTar } from '../lib/archive/tar-fixture.js';
import { BuildContext } from './context-index.js';
import { hostSourceFs, readHead } from './source-fs.js';
import { digestSources, resolveSources } from './sources.js';

async function withContext(entries: Parameters<typeof makeTar>[0], fn: (ctx: BuildContext, scratch: string) => Promise<void>): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), 'berth-ctx-'));
  try {
    const ctx = await BuildContext.receive(scratch, Readable.from([await makeTar(entries)]));
    try {
      await fn(ctx, scratch);
    } finally {
      await ctx.dispose();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

test('context index: files, implied parents, symlinks inside the root, hard links, content from the spool', async () => {
  await withContext(
    [
      { name: 'Dockerfile', body: 'FROM scratch\n' },
      { name: 'src/b.txt', body: 'bee', mode: 0o600 },
      { name: 'src/a.txt', body: 'a' },
      { name: 'src/empty', body: '' },
      { name: 'up', type: 'symlink', linkname: '../../../src' },
      { name: 'abs', type: 'symlink', linkname: '/src/a.txt' },
      { name: 'hard', type: 'link', linkname: 'src/b.txt' },
    ],
    async (ctx) => {
      const up = await ctx.lookup('up/b.txt');
      assert.equal(up?.resolved, 'src/b.txt'); // `..` clamped at the root, as in a chroot
      assert.equal(up?.entry.mode, 0o600);
      assert.equal((await ctx.readAll(up!.entry)).toString(), 'bee');
      assert.equal((await ctx.lookup('abs'))?.resolved, 'src/a.txt');
      assert.equal((await ctx.readAll((await ctx.lookup('hard'))!.entry)).toString(), 'bee');
      assert.equal((await ctx.readAll((await ctx.lookup('src/empty'))!.entry)).length, 0);
      assert.equal(await ctx.lookup('src/nope'), undefined);
      assert.equal(await ctx.lookup('src/a.txt/x'), undefined);
      assert.equal((await readHead((await ctx.lookup('Dockerfile'))!.entry, 4)).toString(), 'FROM');
      const walked: string[] = [];
      for await (const e of ctx.walk('')) walked.push(`${e.rel}:${e.kind}`);
      assert.deepEqual(walked, ['Dockerfile:file', 'abs:symlink', 'hard:file', 'src:dir', 'src/a.txt:file', 'src/b.txt:file', 'src/empty:file', 'up:symlink']);
      const [src] = await resolveSources(ctx, ['src'], 'COPY');
      assert.deepEqual(
        src!.entries.map((e) => e.rel),
        ['a.txt', 'b.txt', 'empty'],
      );
      ctx.remove('src');
      assert.equal(await ctx.lookup('src/a.txt'), undefined);
    },
  );
});

test('context index: digests match those of the same files on disk', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-ctx-host-'));
  try {
    await mkdir(join(dir, 'd'));
    await writeFile(join(dir, 'd', 'one'), 'one\n');
    await writeFile(join(dir, 'd', 'two'), 'two\n');
    await chmod(join(dir, 'd', 'one'), 0o644);
    await chmod(join(dir, 'd', 'two'), 0o755);
    await withContext(
      [
        { name: 'd/', type: 'directory', mode: 0o755 },
        { name: 'd/one', body: 'one\n', mode: 0o644 },
        { name: 'd/two', body: 'two\n', mode: 0o755 },
      ],
      async (ctx) => {
        const fromTar = await digestSources(await resolveSources(ctx, ['d'], 'COPY'));
        const fromDisk = await digestSources(await resolveSources(hostSourceFs(dir), ['d'], 'COPY'));
        assert.equal(fromTar, fromDisk);
      },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('context index: a path climbing out of the context is refused and leaves no spool behind', async () => {
  const scratch = await mkdtemp(join(tmpdir(), 'berth-ctx-bad-'));
  try {
    const tar = await makeTar([{ name: '../evil', body: 'x' }]);
    await assert.rejects(BuildContext.receive(scratch, Readable.from([tar])), /escapes the target/);
    const { readdir } = await import('node:fs/promises');
    assert.deepEqual(await readdir(scratch), []);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
});

test("context index: a tar that stops right after its last file's data is whole (the docker CLI's -f outside the context); other truncations fail", async () => {
  const tar = await makeTar([
    { name: 'a.txt', body: 'a\n' },
    { name: '.dockerignore', body: '.dockerfile.x\n' },
  ]);
  const dataEnd = 512 * 3 + '.dockerignore\n'.length; // two headers, a.txt's block, the data of the second
  const scratch = await mkdtemp(join(tmpdir(), 'berth-ctx-'));
  try {
    const ctx = await BuildContext.receive(scratch, Readable.from([tar.subarray(0, dataEnd)]));
    try {
      const f = await ctx.lookup('.dockerignore');
      assert.equal((await ctx.readAll(f!.entry)).toString(), '.dockerfile.x\n');
    } finally {
      await ctx.dispose();
    }
    await assert.rejects(BuildContext.receive(scratch, Readable.from([tar.subarray(0, dataEnd - 3)])), /Unexpected end of data/);
    await assert.rejects(BuildContext.receive(scratch, Readable.from([tar.subarray(0, dataEnd + 100)])), /Unexpected end of data/);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
});

test('context index: names walk in the byte order of their UTF-8, beyond the BMP too', async () => {
  // U+FF5E sorts after U+1F600 in UTF-16 (0xFF5E > 0xD83D) but before it in UTF-8 (EF… < F0…).
  await withContext(
    ['b', 'B', '\uff5e', '\u{1f600}', 'a'].map((name) => ({ name: `d/${name}`, body: name })),
    async (ctx) => {
      const walked: string[] = [];
      for (const e of ctx.walk('d')) walked.push(e.rel);
      assert.deepEqual(walked, ['B', 'a', 'b', '\uff5e', '\u{1f600}']);
    },
  );
});

test('sources digest: the same bytes as hashing each piece on its own (many entries, generated content)', async () => {
  const entries = Array.from({ length: 3000 }, (_, i) => ({
    rel: `f${i}.txt`,
    kind: 'file' as const,
    mode: 0o644,
    mtime: new Date(0),
    size: 3,
    sha256: `${i}`.padStart(64, '0'),
  }));
  const sources = [
    {
      name: 'files',
      isDir: true,
      entries: [{ rel: 'l', kind: 'symlink' as const, mode: 0o777, mtime: new Date(0), size: 0, linkTarget: 'f1.txt' }, ...entries],
    },
    {
      name: 'here',
      isDir: false,
      archive: true,
      entries: [{ rel: '', kind: 'file' as const, mode: 0o600, mtime: new Date(0), size: 2, content: Buffer.from('hi') }],
    },
  ];
  const h = createHash('sha256');
  for (const s of sources) {
    h.update(`source ${s.name} ${s.isDir ? 'dir' : 'file'} ${'archive' in s ? 'archive' : ''}\n`);
    for (const e of s.entries as Array<{ rel: string; kind: string; mode: number; linkTarget?: string; sha256?: string; content?: Buffer }>) {
      h.update(`${e.rel}\0${e.kind}\0${e.mode.toString(8)}\0${e.linkTarget ?? ''}\0`);
      if (e.kind === 'file') h.update(e.content ?? e.sha256!);
      h.update('\n');
    }
  }
  assert.equal(await digestSources(sources), `sha256:${h.digest('hex')}`);
});
