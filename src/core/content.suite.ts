// Test code (not used by the engine): the contract suite every ContentStore runs, as containerd's
// content/testsuite. A driver's `*.test.ts` calls `contentStoreSuite` with a factory.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { ContentStore } from './content.js';
import { isKind } from '../lib/errdefs.js';
import { suiteDirs } from './suite-dirs.js';
import { sha256 } from '../lib/digest.js';

/** Opens (or reopens, after a restart) a content store whose blobs live under `root`. */
export type OpenContentStore = (root: string) => Promise<ContentStore>;

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

/** Every file under `dir`: what a store leaves behind shows here. */
async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => !e.isDirectory())
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

export function contentStoreSuite(name: string, open: OpenContentStore): void {
  describe(`ContentStore contract: ${name}`, () => {
    const dir = suiteDirs(`berth-content-${name}-`);

    async function fresh(): Promise<{ store: ContentStore; root: string }> {
      const root = dir();
      return { store: await open(root), root };
    }

    test('a written blob is invisible until commit, then readable whole and by range', async () => {
      const { store } = await fresh();
      const digest = sha256('hello world');
      const w = await store.writer();
      await w.write(Buffer.from('hello '));
      await w.write(Buffer.from('world'));
      assert.equal(w.size, 11);
      assert.equal(w.digest(), digest);
      assert.equal(await store.info(digest), undefined);
      await assert.rejects(store.read(digest), (err) => isKind(err, 'NotFound'));
      assert.deepEqual(await w.commit(digest), { digest, size: 11 });
      assert.deepEqual(await store.info(digest), { digest, size: 11 });
      assert.equal((await store.read(digest)).toString(), 'hello world');
      assert.equal(await text(store.readStream(digest)), 'hello world');
      assert.equal(await text(store.readStream(digest, { start: 6, end: 11 })), 'world');
      assert.equal(await text(store.readStream(digest, { start: 0, end: 1 })), 'h');
    });

    test('a commit whose digest does not match is refused (InvalidArgument) and leaves nothing', async () => {
      const { store, root } = await fresh();
      const before = await files(root);
      const w = await store.writer();
      await w.write(Buffer.from('not what was promised'));
      const expected = sha256('something else');
      await assert.rejects(w.commit(expected), (err) => isKind(err, 'InvalidArgument'));
      assert.equal(await store.info(expected), undefined);
      assert.equal(await store.info(sha256('not what was promised')), undefined);
      assert.deepEqual(await files(root), before);
    });

    test('abort discards a write in progress and leaves nothing', async () => {
      const { store, root } = await fresh();
      const before = await files(root);
      const w = await store.writer();
      await w.write(Buffer.from('aborted'));
      await w.abort();
      assert.equal(await store.info(sha256('aborted')), undefined);
      assert.deepEqual(await files(root), before);
    });

    test('a large blob written in many chunks reads back the same, across any range', async () => {
      const { store } = await fresh();
      const data = Buffer.alloc(3 * 1024 * 1024 + 123);
      for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff;
      const w = await store.writer();
      for (let off = 0; off < data.length; off += 65536) await w.write(Buffer.from(data.subarray(off, off + 65536)));
      const info = await w.commit(sha256(data));
      assert.deepEqual(info, { digest: sha256(data), size: data.length });
      assert.ok((await store.read(info.digest)).equals(data));
      const [start, end] = [(1 << 20) - 7, (2 << 20) + 9];
      const chunks: Buffer[] = [];
      for await (const c of store.readStream(info.digest, { start, end })) chunks.push(c as Buffer);
      assert.ok(Buffer.concat(chunks).equals(data.subarray(start, end)));
    });

    test('writers of the same content at the same time both commit one whole blob', async () => {
      const { store } = await fresh();
      const parts = ['one ', 'blob ', 'twice'].map((p) => Buffer.from(p));
      const digest = sha256(Buffer.concat(parts));
      const [a, b] = await Promise.all([store.writer(), store.writer()]);
      for (const p of parts) await Promise.all([a.write(Buffer.from(p)), b.write(Buffer.from(p))]);
      const infos = await Promise.all([a.commit(digest), b.commit(digest), store.put('one blob twice')]);
      for (const info of infos) assert.deepEqual(info, { digest, size: 14 });
      assert.equal((await store.read(digest)).toString(), 'one blob twice');
    });

    test('put stores a blob under the sha256 of its bytes; putting it again changes nothing', async () => {
      const { store } = await fresh();
      const first = await store.put('{"config":true}');
      assert.deepEqual(first, { digest: sha256('{"config":true}'), size: 15 });
      assert.deepEqual(await store.put(Buffer.from('{"config":true}')), first);
      assert.equal((await store.read(first.digest)).toString(), '{"config":true}');
    });

    test('delete removes a blob; a missing blob is NotFound to read, undefined to info, no error to delete', async () => {
      const { store } = await fresh();
      const { digest } = await store.put('doomed');
      await store.delete(digest);
      assert.equal(await store.info(digest), undefined);
      await assert.rejects(store.read(digest), (err) => isKind(err, 'NotFound'));
      await assert.rejects(text(store.readStream(digest)));
      await store.delete(digest);
      assert.deepEqual(await store.put('doomed'), { digest, size: 6 });
    });

    test('adopt (optional) moves a spooled file in as the blob', async (t) => {
      const { store } = await fresh();
      if (!store.adopt) return t.skip(`${name} cannot adopt files`);
      const file = `${dir()}.spool`; // beside the store's root: the same filesystem
      await writeFile(file, 'spooled');
      assert.deepEqual(await store.adopt(file, sha256('spooled')), { digest: sha256('spooled'), size: 7 });
      assert.equal((await store.read(sha256('spooled'))).toString(), 'spooled');
      await assert.rejects(stat(file), (err) => (err as NodeJS.ErrnoException).code === 'ENOENT');
    });

    test('a store reopened on the same directory has the committed blobs and none of the aborted ones', async () => {
      const { store, root } = await fresh();
      const kept = await store.put('kept');
      const w = await store.writer();
      await w.write(Buffer.from('half'));
      const again = await open(root);
      assert.deepEqual(await again.info(kept.digest), kept);
      assert.equal((await again.read(kept.digest)).toString(), 'kept');
      assert.equal(await again.info(sha256('half')), undefined);
      await w.abort();
    });
  });
}
