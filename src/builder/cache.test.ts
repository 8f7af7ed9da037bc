import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, chmod, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuildCache, cacheKey } from './cache.js';
import { hostSourceFs } from './source-fs.js';
import { digestSources, resolveSources } from './sources.js';

test('cache keys: parent, instruction and sources each change the key', () => {
  const k = cacheKey('sha256:p', 'RUN ["sh"]', 'sha256:s');
  assert.equal(k, cacheKey('sha256:p', 'RUN ["sh"]', 'sha256:s'));
  assert.notEqual(k, cacheKey('sha256:q', 'RUN ["sh"]', 'sha256:s'));
  assert.notEqual(k, cacheKey('sha256:p', 'RUN ["bash"]', 'sha256:s'));
  assert.notEqual(k, cacheKey('sha256:p', 'RUN ["sh"]', 'sha256:t'));
});

test('source digests follow content and mode, not mtime', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-cache-'));
  try {
    await writeFile(join(dir, 'a'), 'one');
    const digest = async (): Promise<string> => digestSources(await resolveSources(hostSourceFs(dir), ['a'], 'COPY'));
    const first = await digest();
    await utimes(join(dir, 'a'), new Date(0), new Date(0));
    assert.equal(await digest(), first, 'mtime is not part of the digest');
    await chmod(join(dir, 'a'), 0o600);
    const moded = await digest();
    assert.notEqual(moded, first);
    await writeFile(join(dir, 'a'), 'two');
    assert.notEqual(await digest(), moded);
    await assert.rejects(resolveSources(hostSourceFs(dir), ['../x'], 'COPY'), /forbidden path outside the build context: \.\.\/x/);
    await assert.rejects(resolveSources(hostSourceFs(dir), ['nope'], 'COPY'), /file not found in build context/);
    await writeFile(join(dir, 'b.txt'), '');
    assert.deepEqual(
      (await resolveSources(hostSourceFs(dir), ['*.txt'], 'COPY')).map((s) => s.name),
      ['b.txt'],
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the cache persists across opens', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-cache-'));
  try {
    const c = await BuildCache.open(dir);
    await c.set('k', 'sha256:abc');
    assert.equal((await BuildCache.open(dir)).get('k'), 'sha256:abc');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
