import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { extractLayer } from './extract.js';
import { packDir } from './pack-dir.js';
import { tempDir } from './tar-fixture.js';
import { tarWriter } from './tar-writer.js';
import { removeAt } from '../fs/remove-at.js';
import { walkChunks } from '../fs/walk.js';

// Another writer (a running container) swaps a directory for a symlink to "the host" at the
// worst moment — after the extraction or the walk has looked at it: nothing reaches outside.

let base = '';
let cleanup: () => Promise<void> = async () => {};
let n = 0;
before(async () => ({ path: base, cleanup } = await tempDir('berth-race-')));
after(() => cleanup());

async function sandbox(): Promise<{ outside: string; dest: string }> {
  const top = join(base, `case-${n++}`);
  const outside = join(top, 'outside');
  const dest = join(top, 'dest');
  await mkdir(outside, { recursive: true });
  await mkdir(join(dest, 'd'), { recursive: true });
  await writeFile(join(outside, 'secret'), 'host secret');
  return { outside, dest };
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), 'condition never held');
};

test('extraction: a parent swapped for a symlink after its first entry keeps receiving into the real directory', async () => {
  const { outside, dest } = await sandbox();
  const w = tarWriter();
  const done = extractLayer(w.stream, dest, { whiteouts: 'none' });
  await w.addDir('d');
  await w.addBuffer('d/first', 'one');
  await until(() => existsSync(join(dest, 'd/first')));
  // The "container" moves d away and puts a symlink to the host in its place.
  await rename(join(dest, 'd'), join(dest, 'moved'));
  await symlink(outside, join(dest, 'd'));
  await w.addBuffer('d/second', 'two');
  await w.addBuffer('d/third', Buffer.alloc(300 << 10, 1)); // a large one: written while streaming
  w.finish();
  await done;
  assert.deepEqual((await readdir(outside)).sort(), ['secret'], 'nothing written through the symlink');
  assert.deepEqual((await readdir(join(dest, 'moved'))).sort(), ['first', 'second', 'third']);
});

test('removal never descends through a subdirectory swapped for a symlink', async () => {
  const { outside, dest } = await sandbox();
  await symlink(outside, join(dest, 'd', 'sub'));
  await removeAt(dest, 'd');
  assert.equal(await readFile(join(outside, 'secret'), 'utf8'), 'host secret');
  assert.ok(!existsSync(join(dest, 'd')));
});

test('walk: entries are reached through pinned parents, a directory swapped after its listing is not entered', async () => {
  const { outside, dest } = await sandbox();
  // 1100 names before d: the first chunk (1024) is handed out before d's children are walked.
  for (let i = 0; i < 1100; i++) await writeFile(join(dest, `a${String(i).padStart(4, '0')}`), `${i}`);
  await writeFile(join(dest, 'd', 'inner'), 'inner');
  const seen: string[] = [];
  let swapped = false;
  for await (const chunk of walkChunks(dest)) {
    for (const e of chunk) {
      seen.push(e.rel);
      assert.match(e.path, /^\/proc\/\d+\/fd\/\d+\/[^/]+$/);
    }
    if (!swapped) {
      swapped = true;
      await rename(join(dest, 'd'), join(dest, 'moved'));
      await symlink(outside, join(dest, 'd'));
    }
  }
  assert.ok(!seen.includes('d/secret'), 'the host directory was walked');
});

test('pack: a file swapped for a symlink to a host file after the listing is left out, never read', async () => {
  const { outside, dest } = await sandbox();
  for (let i = 0; i < 1100; i++) await writeFile(join(dest, `a${String(i).padStart(4, '0')}`), `${i}`);
  await writeFile(join(dest, 'zz'), 'container file');
  const { stream, done } = packDir(dest);
  const chunks: Buffer[] = [];
  let swapped = false;
  for await (const c of stream) {
    chunks.push(c as Buffer);
    if (!swapped) {
      swapped = true;
      await rename(join(dest, 'zz'), join(dest, 'moved'));
      await symlink(join(outside, 'secret'), join(dest, 'zz'));
    }
  }
  await done;
  assert.ok(!Buffer.concat(chunks).includes('host secret'));
});

test('extraction: more directories than pins are cached (eviction) all receive their files', async () => {
  const { dest } = await sandbox();
  const w = tarWriter();
  const done = extractLayer(w.stream, dest, { whiteouts: 'none' });
  for (let i = 0; i < 600; i++) await w.addBuffer(`many/d${i}/f`, `${i}`);
  // Back to the first ones once the cache has been trimmed.
  for (let i = 0; i < 5; i++) await w.addBuffer(`many/d${i}/g`, `again ${i}`);
  w.finish();
  await done;
  assert.equal((await readdir(join(dest, 'many'))).length, 600);
  assert.equal(await readFile(join(dest, 'many/d599/f'), 'utf8'), '599');
  assert.equal(await readFile(join(dest, 'many/d3/g'), 'utf8'), 'again 3');
});
