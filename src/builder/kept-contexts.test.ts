import { createHash } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildContext } from './context-index.js';
import { KeptContexts, type KeptEntry } from './kept-contexts.js';

interface Sent {
  path: string;
  content?: string;
  dir?: boolean;
  /** Stands for the sender's stat: a new value is a changed file. */
  stat?: string;
}

/** Sends `tree` as a DiffCopy would; returns the paths whose content was asked for. */
async function send(kept: KeptContexts, key: string, tree: Sent[]): Promise<{ ctx: BuildContext; asked: string[] }> {
  const asked: string[] = [];
  const ctx = await kept.receive(key, async (rx) => {
    for (const s of tree) {
      const e: KeptEntry = {
        path: s.path,
        kind: s.dir ? 'dir' : 'file',
        mode: s.dir ? 0o755 : 0o644,
        mtime: new Date(1000),
        size: s.content?.length ?? 0,
        linkname: '',
        fingerprint: `${s.path}:${s.stat ?? '1'}:${s.content?.length ?? 0}`,
      };
      if (s.dir || rx.unchanged(e)) await rx.add(e);
      else {
        asked.push(s.path);
        await rx.add(
          e,
          (async function* () {
            yield Buffer.from(s.content ?? '');
          })(),
        );
      }
    }
  });
  return { ctx, asked };
}

async function read(ctx: BuildContext, path: string): Promise<string | undefined> {
  const found = await ctx.lookup(path);
  return found === undefined ? undefined : (await ctx.readAll(found.entry)).toString();
}

test('a kept context asks only for changed files, drops deleted ones, and serves every content', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-kept-'));
  try {
    const kept = new KeptContexts(dir);
    const first = await send(kept, 'k', [
      { path: 'a.txt', content: 'aaa' },
      { path: 'd', dir: true },
      { path: 'd/b.txt', content: 'bbb' },
      { path: 'gone.txt', content: 'x' },
    ]);
    assert.deepEqual(first.asked, ['a.txt', 'd/b.txt', 'gone.txt']);
    await first.ctx.dispose();

    const second = await send(kept, 'k', [
      { path: 'a.txt', content: 'aaa' },
      { path: 'd', dir: true },
      { path: 'd/b.txt', content: 'BBBB', stat: '2' },
      { path: 'new.txt', content: 'new' },
    ]);
    assert.deepEqual(second.asked, ['d/b.txt', 'new.txt']);
    assert.equal(await read(second.ctx, 'a.txt'), 'aaa');
    assert.equal(await read(second.ctx, 'd/b.txt'), 'BBBB');
    assert.equal(await read(second.ctx, 'new.txt'), 'new');
    assert.equal(await read(second.ctx, 'gone.txt'), undefined);
    assert.equal((await second.ctx.lookup('a.txt'))?.entry.sha256, createHash('sha256').update('aaa').digest('hex'), 'a kept file keeps its digest');

    // Another key shares nothing; the first key's next receive still knows the second's state.
    const other = await send(kept, 'other', [{ path: 'a.txt', content: 'aaa' }]);
    assert.deepEqual(other.asked, ['a.txt']);
    const third = await send(kept, 'k', [{ path: 'd/b.txt', content: 'BBBB', stat: '2' }]);
    assert.deepEqual(third.asked, []);
    assert.equal(await read(third.ctx, 'd/b.txt'), 'BBBB');
    assert.equal(await read(third.ctx, 'a.txt'), undefined);

    // A context handed out keeps reading what it was given after prune drops the kept ones.
    assert.ok((await kept.prune()) > 0);
    assert.deepEqual(await readdir(dir), []);
    assert.equal(await read(second.ctx, 'd/b.txt'), 'BBBB');
    for (const c of [second.ctx, other.ctx, third.ctx]) await c.dispose();
    const after = await send(kept, 'k', [{ path: 'a.txt', content: 'aaa' }]);
    assert.deepEqual(after.asked, ['a.txt']);
    await after.ctx.dispose();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an index that names content past the end of its spool is dropped: everything is asked for again', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-kept-'));
  try {
    const kept = new KeptContexts(dir);
    await (await send(kept, 'k', [{ path: 'a.txt', content: 'aaa' }])).ctx.dispose();
    const [id] = await readdir(dir);
    await writeFile(join(dir, id!, 'spool-1'), ''); // the content lost (a crash before the data reached the disk)
    const again = await send(kept, 'k', [{ path: 'a.txt', content: 'aaa' }]);
    assert.deepEqual(again.asked, ['a.txt']);
    assert.equal(await read(again.ctx, 'a.txt'), 'aaa');
    await again.ctx.dispose();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an unchanged receive writes nothing and is remembered; a spool that changed size is not trusted', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-kept-'));
  try {
    const kept = new KeptContexts(dir);
    const tree = [{ path: 'a.txt', content: 'aaa' }];
    await (await send(kept, 'k', tree)).ctx.dispose();
    const [id] = await readdir(dir);
    const index = join(dir, id!, 'index.json');
    const before = await stat(index);
    const same = await send(kept, 'k', tree);
    assert.deepEqual(same.asked, []);
    await same.ctx.dispose();
    assert.equal((await stat(index)).mtimeMs, before.mtimeMs, 'the index was not rewritten');
    assert.equal((await stat(index)).ino, before.ino, 'the index was not replaced');

    // The next receive takes the index from memory: the file is not read again.
    await rm(index);
    const fromMemory = await send(kept, 'k', tree);
    assert.deepEqual(fromMemory.asked, []);
    assert.equal(await read(fromMemory.ctx, 'a.txt'), 'aaa');
    await fromMemory.ctx.dispose();

    // A spool of another size than remembered (lost content): the disk decides, and here it has no index.
    await writeFile(join(dir, id!, 'spool-1'), '');
    const again = await send(kept, 'k', tree);
    assert.deepEqual(again.asked, ['a.txt']);
    assert.equal(await read(again.ctx, 'a.txt'), 'aaa');
    await again.ctx.dispose();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
