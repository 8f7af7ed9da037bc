import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdir, readFile, readdir, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { extractLayer } from './extract.js';
import { getXattr, makeTar, rawPax, setTypeflag, streamOf, tarStream, freshDirs } from './tar-fixture.js';

const freshDest = freshDirs();

const T1 = new Date(1_500_000_000_000);
const T2 = new Date(1_400_000_000_000);
// security.capability v2 with cap_setuid+cap_setgid permitted+effective: the 0xc0 byte is not
// valid UTF-8, so this only survives if PAX values are read as raw bytes.
const CAP = Buffer.from(`01000002c0000000${'0'.repeat(24)}`, 'hex');

test('extracts every entry type with its metadata', async () => {
  const dest = await freshDest();
  const tar = await tarStream([
    { name: 'etc/', type: 'directory', mode: 0o750, uid: 10, gid: 20, mtime: T2 },
    { name: 'etc/conf', body: 'hello', mode: 0o4755, uid: 1000, gid: 1001, mtime: T1 },
    { name: 'etc/link', type: 'symlink', linkname: '/nowhere/at/all', uid: 5, gid: 6, mtime: T1 },
    { name: 'etc/hard', type: 'link', linkname: 'etc/conf' },
    { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
    { name: 'dev/loop0', type: 'block-device', devmajor: 7, devminor: 0, mode: 0o660, gid: 6 },
    { name: 'run/fifo', type: 'fifo', mode: 0o600 },
    rawPax([['SCHILY.xattr.security.capability', CAP]]),
    { name: 'bin/ping', body: 'ELF', mode: 0o755 },
    { name: 'bin/tagged', body: 'x', pax: { 'SCHILY.xattr.user.note': 'héllo', mtime: '1500000000.25' } },
  ]);
  const res = await extractLayer(tar, dest);
  assert.deepEqual(res, { files: 9, bytes: 9 });

  const conf = await stat(join(dest, 'etc/conf'));
  assert.equal(await readFile(join(dest, 'etc/conf'), 'utf8'), 'hello');
  assert.equal(conf.mode & 0o7777, 0o4755, 'setuid survives the chown');
  assert.deepEqual([conf.uid, conf.gid, conf.mtimeMs], [1000, 1001, T1.getTime()]);

  const dir = await stat(join(dest, 'etc'));
  assert.equal(dir.mode & 0o7777, 0o750);
  assert.deepEqual([dir.uid, dir.gid], [10, 20]);
  assert.equal(dir.mtimeMs, T2.getTime(), 'directory mtime set after its children were written');

  const link = await lstat(join(dest, 'etc/link'));
  assert.ok(link.isSymbolicLink());
  assert.equal(await readlink(join(dest, 'etc/link')), '/nowhere/at/all');
  assert.deepEqual([link.uid, link.gid, link.mtimeMs], [5, 6, T1.getTime()]);

  const hard = await stat(join(dest, 'etc/hard'));
  assert.equal(hard.ino, conf.ino);
  assert.equal(hard.nlink, 2);

  const nul = await lstat(join(dest, 'dev/null'));
  assert.ok(nul.isCharacterDevice());
  assert.equal(nul.rdev, (1 << 8) | 3);
  assert.equal(nul.mode & 0o7777, 0o666);
  const loop = await lstat(join(dest, 'dev/loop0'));
  assert.ok(loop.isBlockDevice());
  assert.equal(loop.rdev, 7 << 8);
  assert.equal(loop.gid, 6);
  const fifo = await lstat(join(dest, 'run/fifo'));
  assert.ok(fifo.isFIFO());
  assert.equal(fifo.mode & 0o7777, 0o600);

  assert.deepEqual(await getXattr(join(dest, 'bin/ping'), 'security.capability'), CAP);
  assert.deepEqual(await getXattr(join(dest, 'bin/tagged'), 'user.note'), Buffer.from('héllo'));
  assert.equal((await stat(join(dest, 'bin/tagged'))).mtimeMs, 1_500_000_000_250, 'PAX sub-second mtime');
  // Implicit parents (no entry of their own) are created 0755.
  assert.equal((await stat(join(dest, 'bin'))).mode & 0o7777, 0o755);
});

test('streams large files in small chunks', async () => {
  const dest = await freshDest();
  const big = Buffer.alloc(8 * 1024 * 1024 + 123);
  for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE(i, i);
  const tar = await makeTar([{ name: 'big', body: big }, { name: 'small', body: 'abc' }, { name: 'empty' }]);
  const res = await extractLayer(streamOf(tar, 1000), dest);
  assert.deepEqual(res, { files: 3, bytes: big.length + 3 });
  assert.ok((await readFile(join(dest, 'big'))).equals(big));
  assert.equal(await readFile(join(dest, 'small'), 'utf8'), 'abc');
  assert.equal((await stat(join(dest, 'empty'))).size, 0);
});

test('replaces what is already there; a directory over a directory keeps its children', async () => {
  const dest = await freshDest();
  await mkdir(join(dest, 'was-dir/sub'), { recursive: true });
  await writeFile(join(dest, 'was-file'), 'old');
  await mkdir(join(dest, 'keep'));
  await writeFile(join(dest, 'keep/child'), 'lower');
  await writeFile(join(dest, 'over'), 'old');
  await symlink('somewhere', join(dest, 'was-link'));
  const tar = await tarStream([
    { name: 'was-dir', body: 'now a file' },
    { name: 'was-file/', type: 'directory', mode: 0o711 },
    { name: 'keep/', type: 'directory', mode: 0o700, mtime: T2 },
    { name: 'over', body: 'new', mode: 0o600 },
    { name: 'was-link', type: 'symlink', linkname: 'elsewhere' },
    { name: 'twice', body: 'first' },
    { name: 'twice', type: 'directory', mode: 0o755 },
    { name: 'twice/x', body: 'second' },
  ]);
  await extractLayer(tar, dest);
  assert.equal(await readFile(join(dest, 'was-dir'), 'utf8'), 'now a file');
  assert.equal((await stat(join(dest, 'was-file'))).mode & 0o7777, 0o711);
  assert.equal(await readFile(join(dest, 'keep/child'), 'utf8'), 'lower');
  const keep = await stat(join(dest, 'keep'));
  assert.deepEqual([keep.mode & 0o7777, keep.mtimeMs], [0o700, T2.getTime()]);
  assert.equal(await readFile(join(dest, 'over'), 'utf8'), 'new');
  assert.equal(await readlink(join(dest, 'was-link')), 'elsewhere');
  assert.equal(await readFile(join(dest, 'twice/x'), 'utf8'), 'second');
});

test('a new file replaces a hard-linked one instead of writing through the shared inode', async () => {
  const dest = await freshDest();
  await extractLayer(
    await tarStream([
      { name: 'a', body: 'original' },
      { name: 'b', type: 'link', linkname: './a' },
      { name: 'b', body: 'replaced' },
    ]),
    dest,
  );
  assert.equal(await readFile(join(dest, 'a'), 'utf8'), 'original');
  assert.equal(await readFile(join(dest, 'b'), 'utf8'), 'replaced');
});

test('applies the root entry to dest itself and handles long names', async () => {
  const dest = await freshDest();
  const long = `${'d'.repeat(120)}/${'f'.repeat(150)}`;
  await extractLayer(
    await tarStream([
      { name: './', type: 'directory', mode: 0o751, mtime: T2 },
      { name: `./${long}`, body: 'deep' },
    ]),
    dest,
  );
  const st = await stat(dest);
  assert.deepEqual([st.mode & 0o7777, st.mtimeMs], [0o751, T2.getTime()]);
  assert.equal(await readFile(join(dest, long), 'utf8'), 'deep');
});

test('drops trusted.overlay.* xattrs carried in the tar', async () => {
  const dest = await freshDest();
  await extractLayer(
    await tarStream([{ name: 'd/', type: 'directory', pax: { 'SCHILY.xattr.trusted.overlay.redirect': '/etc', 'SCHILY.xattr.trusted.x': 'kept' } }]),
    dest,
  );
  assert.equal(await getXattr(join(dest, 'd'), 'trusted.overlay.redirect'), null);
  assert.deepEqual(await getXattr(join(dest, 'd'), 'trusted.x'), Buffer.from('kept'));
});

test('rejects input that is not a tar', async () => {
  const dest = await freshDest();
  const junk = Buffer.alloc(2048, 'not a tar at all ');
  await assert.rejects(extractLayer(streamOf(junk), dest), { message: 'archive/tar: invalid tar header' });
  await assert.rejects(extractLayer(Readable.from([Buffer.from('short')]), dest), { message: 'archive/tar: invalid tar header' });
  const gzip = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(1020, 7)]);
  await assert.rejects(extractLayer(streamOf(gzip), dest), { message: 'archive/tar: invalid tar header' });
  assert.deepEqual(await readdir(dest), []);
});

test('rejects a truncated tar, and accepts an empty one', async () => {
  const dest = await freshDest();
  const tar = await makeTar([{ name: 'a', body: 'x'.repeat(5000) }]);
  await assert.rejects(extractLayer(streamOf(tar.subarray(0, 2048)), dest), { message: 'archive/tar: unexpected EOF' });
  assert.deepEqual(await extractLayer(Readable.from([Buffer.alloc(1024)]), await freshDest()), { files: 0, bytes: 0 });
  assert.deepEqual(await extractLayer(Readable.from([]), await freshDest()), { files: 0, bytes: 0 });
});

test('rejects unsupported entry types', async () => {
  const tar = await makeTar([{ name: 'x', body: 'abc' }]);
  setTypeflag(tar, 0, 'S'); // GNU sparse
  await assert.rejects(extractLayer(streamOf(tar), await freshDest()), /unsupported entry type/);
});

test('small files written together keep the tar order: rewrites, a file over a directory, a directory over a file', async () => {
  const dest = await freshDest();
  const many = Array.from({ length: 40 }, (_, i) => ({ name: `d/f${i}`, body: `v1 ${i}` }));
  const tar = await tarStream([
    ...many,
    { name: 'd/f3', body: 'v2' }, // the same path again while the first write may still be in flight
    { name: 'sub/x', body: 'x' },
    { name: 'sub/y', body: 'y' },
    { name: 'sub', body: 'now a file' }, // replaces the directory whose files were just written
    { name: 'file', body: 'f' },
    { name: 'file/', type: 'directory' }, // and the other way round
    { name: 'file/inner', body: 'in' },
  ]);
  const res = await extractLayer(tar, dest, { whiteouts: 'none' });
  assert.equal(res.files, 47);
  assert.equal(await readFile(join(dest, 'd/f3'), 'utf8'), 'v2');
  assert.equal(await readFile(join(dest, 'd/f39'), 'utf8'), 'v1 39');
  assert.equal((await readdir(join(dest, 'd'))).length, 40);
  assert.equal(await readFile(join(dest, 'sub'), 'utf8'), 'now a file');
  assert.equal(await readFile(join(dest, 'file/inner'), 'utf8'), 'in');
});
