import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { extractLayer } from './extract.js';
import { classifyWhiteout } from './whiteout.js';
import { getXattr, tarStream, freshDirs } from './tar-fixture.js';

const exec = promisify(execFile);
const freshDest = freshDirs();

async function isWhiteout(path: string): Promise<boolean> {
  const st = await lstat(path).catch(() => null);
  return st !== null && st.isCharacterDevice() && st.rdev === 0;
}

test('classifies whiteout names', () => {
  assert.equal(classifyWhiteout('a/b', 'a/b'), null);
  assert.equal(classifyWhiteout('a/x.wh.b', 'a/x.wh.b'), null);
  assert.deepEqual(classifyWhiteout('a/.wh.b', 'a/.wh.b'), { kind: 'whiteout', target: 'a/b' });
  assert.deepEqual(classifyWhiteout('.wh.b', '.wh.b'), { kind: 'whiteout', target: 'b' });
  assert.deepEqual(classifyWhiteout('a/.wh..wh..opq', ''), { kind: 'opaque', dir: 'a' });
  assert.deepEqual(classifyWhiteout('.wh..wh..opq', ''), { kind: 'opaque', dir: '' });
  assert.deepEqual(classifyWhiteout('.wh..wh.plnk/123.456', ''), { kind: 'meta' });
  assert.deepEqual(classifyWhiteout('a/.wh..wh.orph', ''), { kind: 'meta' });
  assert.throws(() => classifyWhiteout('a/.wh..', 'a/.wh..'), /invalid whiteout/);
  assert.throws(() => classifyWhiteout('a/.wh.', 'a/.wh.'), /invalid whiteout/);
});

test('overlay mode writes overlayfs whiteouts and opaque xattrs', async () => {
  const dest = await freshDest();
  const res = await extractLayer(
    await tarStream([
      { name: 'etc/', type: 'directory' },
      { name: 'etc/.wh.passwd' },
      { name: '.wh.gone-dir' },
      { name: 'var/cache/.wh..wh..opq' },
      { name: 'var/cache/new', body: 'n' },
      { name: '.wh..wh.plnk/', type: 'directory' },
      { name: '.wh..wh.plnk/1.2', body: 'aufs' },
    ]),
    dest,
  );
  assert.equal(res.files, 7);
  assert.ok(await isWhiteout(join(dest, 'etc/passwd')));
  assert.ok(await isWhiteout(join(dest, 'gone-dir')));
  assert.deepEqual(await getXattr(join(dest, 'var/cache'), 'trusted.overlay.opaque'), Buffer.from('y'));
  assert.equal(await getXattr(join(dest, 'var'), 'trusted.overlay.opaque'), null);
  assert.deepEqual((await readdir(dest)).sort(), ['etc', 'gone-dir', 'var']);
  assert.deepEqual(await readdir(join(dest, 'var/cache')), ['new']);
});

test('overlay mode: a directory re-created over its own whiteout becomes opaque', async () => {
  const dest = await freshDest();
  await extractLayer(await tarStream([{ name: '.wh.app' }, { name: 'app/', type: 'directory' }, { name: 'app/f', body: 'x' }]), dest);
  assert.ok((await lstat(join(dest, 'app'))).isDirectory());
  assert.deepEqual(await getXattr(join(dest, 'app'), 'trusted.overlay.opaque'), Buffer.from('y'));
});

test('a whiteout never hides what the same layer wrote', async () => {
  for (const whiteouts of ['overlay', 'apply'] as const) {
    const dest = await freshDest();
    await extractLayer(await tarStream([{ name: 'd/mine', body: 'kept' }, { name: 'd/.wh.mine' }, { name: '.wh.d' }]), dest, { whiteouts });
    assert.equal(await readFile(join(dest, 'd/mine'), 'utf8'), 'kept', whiteouts);
  }
});

test('apply mode deletes whited-out paths and prunes opaque directories', async () => {
  const dest = await freshDest();
  // The lower layers, already in dest (what the vfs snapshotter copies in).
  for (const d of ['keep', 'gonedir/sub', 'opq/old/deep', 'opq/sub', 'nested/opq']) await mkdir(join(dest, d), { recursive: true });
  for (const f of ['keep/x', 'gone', 'gonedir/sub/f', 'opq/old/deep/f', 'opq/sub/lower', 'opq/file', 'nested/opq/f', 'nested/sibling']) {
    await writeFile(join(dest, f), 'lower');
  }
  await extractLayer(
    await tarStream([
      { name: '.wh.gone' },
      { name: '.wh.gonedir' },
      { name: '.wh.missing' },
      { name: 'absent/.wh.x' },
      { name: 'opq/sub/new', body: 'upper' }, // written before the marker: must survive it
      { name: 'opq/.wh..wh..opq' },
      { name: 'opq/late', body: 'upper' },
      { name: 'nested/opq/.wh..wh..opq' },
    ]),
    dest,
    { whiteouts: 'apply' },
  );
  assert.deepEqual((await readdir(dest)).sort(), ['keep', 'nested', 'opq']);
  assert.deepEqual(await readdir(join(dest, 'keep')), ['x']);
  assert.deepEqual((await readdir(join(dest, 'opq'))).sort(), ['late', 'sub']);
  assert.deepEqual(await readdir(join(dest, 'opq/sub')), ['new']);
  assert.deepEqual(await readdir(join(dest, 'nested/opq')), []);
  assert.deepEqual(await readdir(join(dest, 'nested')).then((l) => l.sort()), ['opq', 'sibling']);
  assert.equal(await getXattr(join(dest, 'opq'), 'trusted.overlay.opaque'), null);
});

test('overlay whiteouts work in a real overlay mount', async (t) => {
  const l1 = await freshDest();
  const l2 = await freshDest();
  const mnt = await freshDest();
  await extractLayer(
    await tarStream([
      { name: 'a/x', body: '1' },
      { name: 'a/y', body: '1' },
      { name: 'b/z', body: '1' },
      { name: 'c/keep', body: '1' },
    ]),
    l1,
  );
  await extractLayer(await tarStream([{ name: 'a/.wh..wh..opq' }, { name: 'a/new', body: '2' }, { name: 'b/.wh.z' }, { name: '.wh.c' }]), l2);
  try {
    await exec('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${l2}:${l1}`, mnt]);
  } catch (err) {
    t.skip(`overlay mount unavailable: ${(err as Error).message}`);
    return;
  }
  try {
    assert.deepEqual((await readdir(mnt)).sort(), ['a', 'b']);
    assert.deepEqual(await readdir(join(mnt, 'a')), ['new']);
    assert.deepEqual(await readdir(join(mnt, 'b')), []);
  } finally {
    await exec('umount', [mnt]);
  }
});
