import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdir, readFile, readdir, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { extractLayer } from './extract.js';
import type { WhiteoutMode } from './whiteout.js';
import { tarStream, tempDir, type FixtureEntry } from './tar-fixture.js';

// Layout per case: <case>/outside/secret (must survive untouched), <case>/a/b/dest (the target).
let base = '';
let cleanup: () => Promise<void> = async () => {};
let n = 0;
before(async () => ({ path: base, cleanup } = await tempDir()));
after(() => cleanup());

async function sandbox(): Promise<{ top: string; outside: string; dest: string }> {
  const top = join(base, `case-${n++}`);
  const outside = join(top, 'outside');
  const dest = join(top, 'a/b/dest');
  await mkdir(outside, { recursive: true });
  await mkdir(dest, { recursive: true });
  await writeFile(join(outside, 'secret'), 'secret');
  return { top, outside, dest };
}

/** Everything under `dir`, as relative paths (not following symlinks). */
async function tree(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    out.push(prefix + e.name);
    if (e.isDirectory()) out.push(...(await tree(join(dir, e.name), `${prefix}${e.name}/`)));
  }
  return out.sort();
}

async function assertOutsideUntouched(top: string, outside: string): Promise<void> {
  assert.deepEqual(
    await tree(top),
    ['a', 'a/b', 'a/b/dest', ...(await tree(join(top, 'a/b/dest'))).map((p) => `a/b/dest/${p}`), 'outside', 'outside/secret'].sort(),
  );
  assert.equal(await readFile(join(outside, 'secret'), 'utf8'), 'secret');
  assert.equal((await stat(join(outside, 'secret'))).nlink, 1);
}

async function rejects(
  entries: (o: string) => FixtureEntry[],
  pattern: RegExp,
  mode: WhiteoutMode = 'overlay',
  prepare?: (dest: string, outside: string) => Promise<void>,
): Promise<void> {
  const { top, outside, dest } = await sandbox();
  await prepare?.(dest, outside);
  await assert.rejects(extractLayer(await tarStream(entries(outside)), dest, { whiteouts: mode }), pattern);
  await assertOutsideUntouched(top, outside);
}

const escapes = /archive\/tar: invalid path ".*": escapes the target/;

test('rejects names climbing out with ..', async () => {
  await rejects(() => [{ name: '../evil', body: 'x' }], escapes);
  await rejects(() => [{ name: '../../../evil', body: 'x' }], escapes);
  await rejects(() => [{ name: '/abs/../../evil', body: 'x' }], escapes);
  await rejects(() => [{ name: 'ok/../../evil/', type: 'directory' }], escapes);
  await rejects(
    () => [
      { name: 'ok', body: 'fine' },
      { name: './x/../../evil', type: 'symlink', linkname: '/' },
    ],
    escapes,
  );
});

test('rejects writing through a symlink from the same tar', async () => {
  await rejects(
    (o) => [
      { name: 'x', type: 'symlink', linkname: o },
      { name: 'x/file', body: 'pwned' },
    ],
    /parent "x" is a symlink/,
  );
  await rejects(
    (o) => [
      { name: 'x', type: 'symlink', linkname: o },
      { name: 'x/secret', body: 'pwned' },
    ],
    /parent "x" is a symlink/,
  );
  await rejects(
    () => [
      { name: 'x', type: 'symlink', linkname: '../../..' },
      { name: 'x/outside/new/', type: 'directory' },
    ],
    /is a symlink/,
  );
  await rejects(
    () => [
      { name: 'd/x', type: 'symlink', linkname: '.' },
      { name: 'd/x/x/y', body: '1' },
    ],
    /parent "d\/x" is a symlink/,
  );
  await rejects(
    (o) => [
      { name: 'x', type: 'symlink', linkname: o },
      { name: 'x/dev', type: 'character-device', devmajor: 1, devminor: 3 },
    ],
    /is a symlink/,
  );
});

test('rejects writing through a symlink already in dest', async () => {
  const link = (dest: string, outside: string): Promise<void> => symlink(outside, join(dest, 'lower'));
  await rejects(() => [{ name: 'lower/file', body: 'pwned' }], /parent "lower" is a symlink/, 'apply', link);
  await rejects(() => [{ name: 'lower/.wh.secret' }], /parent "lower" is a symlink/, 'apply', link);
  await rejects(() => [{ name: 'lower/.wh..wh..opq' }], /parent "lower" is a symlink/, 'apply', link);
  await rejects(() => [{ name: 'lower/.wh..wh..opq' }], /parent "lower" is a symlink/, 'overlay', link);
  await rejects(() => [{ name: 'h', type: 'link', linkname: 'lower/secret' }], /parent "lower" is a symlink/, 'apply', link);
});

test('rejects hard links leaving dest', async () => {
  await rejects(() => [{ name: 'passwd', type: 'link', linkname: '../../etc/passwd' }], escapes);
  await rejects(() => [{ name: 'secret', type: 'link', linkname: '../../../outside/secret' }], escapes);
  await rejects((o) => [{ name: 'abs', type: 'link', linkname: join(o, 'secret') }], /target does not exist/);
  await rejects(
    () => [
      { name: 'd/', type: 'directory' },
      { name: 'h', type: 'link', linkname: 'd' },
    ],
    /target is a directory/,
  );
});

test('rejects whiteouts naming the parent directory', async () => {
  await rejects(
    () => [{ name: 'a/.wh...' }],
    /invalid whiteout/,
    'apply',
    (d) => mkdir(join(d, 'a')),
  );
  await rejects(() => [{ name: '.wh...' }], /invalid whiteout/, 'overlay');
});

test('replaces a symlink at the entry path instead of following it', async () => {
  const { top, outside, dest } = await sandbox();
  await symlink(join(outside, 'secret'), join(dest, 'file'));
  await symlink(outside, join(dest, 'dir'));
  await symlink(join(outside, 'secret'), join(dest, 'dev'));
  const tar = await tarStream([
    { name: 'file', body: 'mine', mode: 0o600 },
    { name: 'dir/', type: 'directory', mode: 0o700 },
    { name: 'dir/inner', body: 'mine too' },
    { name: 'dev', type: 'fifo' },
    { name: 'sym', type: 'symlink', linkname: join(outside, 'secret') },
    // A hard link to a symlink links the symlink itself; it never reaches the file behind it.
    { name: 'hard', type: 'link', linkname: 'sym' },
  ]);
  await extractLayer(tar, dest, { whiteouts: 'apply' });
  assert.equal(await readFile(join(dest, 'file'), 'utf8'), 'mine');
  assert.ok((await lstat(join(dest, 'dir'))).isDirectory());
  assert.equal(await readFile(join(dest, 'dir/inner'), 'utf8'), 'mine too');
  assert.ok((await lstat(join(dest, 'dev'))).isFIFO());
  assert.ok((await lstat(join(dest, 'hard'))).isSymbolicLink());
  assert.equal(await readlink(join(dest, 'hard')), join(outside, 'secret'));
  await assertOutsideUntouched(top, outside);
});

test('a whiteout removes a symlink, not what it points to', async () => {
  const { top, outside, dest } = await sandbox();
  await symlink(outside, join(dest, 'link'));
  await extractLayer(await tarStream([{ name: '.wh.link' }]), dest, { whiteouts: 'apply' });
  assert.deepEqual(await readdir(dest), []);
  await assertOutsideUntouched(top, outside);
});
