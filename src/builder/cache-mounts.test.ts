import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CacheMounts } from './cache-mounts.js';

const opts = { sharing: 'shared' as const, description: 'cached mount /c from exec true' };

test('one directory per cache ID, kept, listed with its use, removed only when not in use', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-cache-mounts-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const cm = new CacheMounts(dir);
  const a = await cm.acquire('pkgs', { ...opts, mode: 0o700 });
  assert.equal((await stat(a.path)).mode & 0o777, 0o700);
  await writeFile(join(a.path, 'f'), 'abc');
  const again = await cm.acquire('pkgs', opts);
  assert.equal(again.path, a.path, 'shared: the same directory at once');
  const [rec] = await cm.list();
  assert.equal(rec!.cacheId, 'pkgs');
  assert.equal(rec!.size, 3);
  assert.equal(rec!.inUse, true);
  assert.equal(rec!.usageCount, 2);
  assert.equal(await cm.remove([rec!]), 0, 'in use: kept');
  a.release();
  again.release();
  const b = await cm.acquire('pkgs', opts);
  assert.equal(await readFile(join(b.path, 'f'), 'utf8'), 'abc', 'kept across uses');
  b.release();
  assert.equal(await cm.remove(await cm.list()), 3);
  assert.deepEqual(await cm.list(), []);
});

test('locked: a second user waits for the first; private: a busy cache gives a fresh one', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-cache-mounts-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const cm = new CacheMounts(dir);
  const first = await cm.acquire('l', { ...opts, sharing: 'locked' });
  let second = false;
  const waiting = cm.acquire('l', { ...opts, sharing: 'locked' }).then((h) => {
    second = true;
    return h;
  });
  // Long enough for an unlocked acquire (its metadata write) to have finished.
  const probe = await cm.acquire('other', opts);
  probe.release();
  await cm.list();
  assert.equal(second, false, 'waits while the first holds it');
  first.release();
  (await waiting).release();
  assert.equal(second, true);

  const p1 = await cm.acquire('p', { ...opts, sharing: 'private' });
  const p2 = await cm.acquire('p', { ...opts, sharing: 'private' });
  assert.notEqual(p2.path, p1.path);
  p2.release();
  p1.release();
});
