import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { packDir } from '../lib/archive/pack-dir.js';
import { makeTar } from '../lib/archive/tar-fixture.js';
import { copyInto, writtenFiles } from './copy.js';
import { hostSourceFs } from './source-fs.js';
import { resolveSources } from './sources.js';

async function tarOf(dir: string, known?: ReadonlyMap<string, Buffer>): Promise<Buffer> {
  const { stream, done } = packDir(dir, { whiteouts: 'overlay', known });
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
  await done;
  return Buffer.concat(chunks);
}

async function names(tar: Buffer): Promise<string[]> {
  const ex = extract();
  const out: string[] = [];
  (async () => ex.end(tar))().catch(() => undefined);
  for await (const entry of ex as AsyncIterable<Readable & { header: { name: string; mode?: number; uid?: number } }>) {
    out.push(`${entry.header.name} ${(entry.header.mode ?? 0).toString(8)} ${entry.header.uid}`);
    for await (const c of entry) void c;
  }
  return out;
}

// The layer of a COPY step is packed from the upper dir with the content the COPY wrote (packDir's
// `known`) instead of reading the files back: it must be the very tar a pack that reads them makes.
test('the layer packed with what the COPY wrote is byte for byte the one packed by reading it back', async () => {
  const tmp = await mkdtemp(join(tmpdir(), 'berth-copy-'));
  try {
    const ctx = join(tmp, 'ctx');
    await mkdir(join(ctx, 'files/sub/deeper'), { recursive: true });
    for (let i = 0; i < 200; i++) await writeFile(join(ctx, 'files', `f${i}.txt`), `file ${i}\n`);
    await writeFile(join(ctx, 'files/sub/deeper/x'), 'x');
    await writeFile(join(ctx, 'files/empty'), '');
    await writeFile(join(ctx, 'files/run.sh'), '#!/bin/sh\n');
    await chmod(join(ctx, 'files/run.sh'), 0o755);
    await writeFile(join(ctx, 'files/secret'), 's');
    await chmod(join(ctx, 'files/secret'), 0o600);
    await writeFile(join(ctx, 'files/big'), Buffer.alloc(300 << 10, 7)); // past the extractor's in-memory size
    await symlink('sub/deeper/x', join(ctx, 'files/ln'));
    await writeFile(join(ctx, 'one.txt'), 'first version\n');
    await mkdir(join(ctx, 'again'));
    await writeFile(join(ctx, 'again/f0.txt'), 'replaced, and longer than before\n');
    await writeFile(
      join(ctx, 'a.tar'),
      await makeTar([
        { name: 'in/', type: 'directory', mode: 0o750 },
        { name: 'in/t.txt', body: 'from the tar' },
      ]),
    );

    // The image: /etc with a file, and /lnk → etc (a COPY to /lnk/ writes into /etc).
    const root = join(tmp, 'root');
    await mkdir(join(root, 'etc'), { recursive: true, mode: 0o750 });
    await writeFile(join(root, 'etc/old'), 'old');
    await symlink('etc', join(root, 'lnk'));

    const src = hostSourceFs(ctx);
    const written = writtenFiles();
    const owner = { uid: 0, gid: 0 };
    await copyInto(root, await resolveSources(src, ['files'], 'COPY'), { dest: '/files/', owner, written });
    await copyInto(root, await resolveSources(src, ['one.txt'], 'COPY'), { dest: '/lnk/', owner: { uid: 1000, gid: 1000 }, chmod: 0o640, written });
    await copyInto(root, await resolveSources(src, ['again'], 'COPY'), { dest: '/files/', owner, written }); // overwrites files/f0.txt
    const archive = await resolveSources(src, ['a.tar'], 'ADD');
    archive[0]!.archive = true;
    await copyInto(root, archive, { dest: '/arch/', owner, written });

    assert.equal(written.files.get('etc/one.txt')?.toString(), 'first version\n', 'recorded at its path after symlinks');
    assert.equal(written.files.get('files/f0.txt')?.toString(), 'replaced, and longer than before\n', 'the last write of a path wins');
    assert.equal(written.files.get('arch/in/t.txt')?.toString(), 'from the tar');
    assert.equal(written.files.has('files/big'), false, 'a file streamed to disk is read back');
    assert.equal(written.files.size, 200 + 6);

    // Written without a tar in between, yet with a tar's whole seconds, as before.
    const [copied, source] = await Promise.all([stat(join(root, 'files/run.sh')), stat(join(ctx, 'files/run.sh'))]);
    assert.equal(copied.mtimeMs, Math.floor(source.mtimeMs / 1000) * 1000);
    assert.equal(copied.mode & 0o7777, 0o755);

    const fromDisk = await tarOf(root);
    const fromWritten = await tarOf(root, written.files);
    assert.deepEqual(await names(fromWritten), await names(fromDisk));
    assert.equal(createHash('sha256').update(fromWritten).digest('hex'), createHash('sha256').update(fromDisk).digest('hex'));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});
