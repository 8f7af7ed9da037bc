// Test code (not used by the engine): the contract suite every Snapshotter runs, as containerd's
// snapshots/testsuite. A driver's `*.test.ts` calls `snapshotterSuite` with a factory.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { Snapshotter } from './snapshots.js';
import { isKind } from '../lib/errdefs.js';
import { suiteDirs } from './suite-dirs.js';
import { makeTar, streamOf, type FixtureEntry } from '../lib/archive/tar-fixture.js';
import { sha256, type Digest } from '../lib/digest.js';
import { dirSize } from '../lib/fs/du.js';
import { overlayChanges } from '../lib/fs/overlay-changes.js';

/** Opens (or reopens, after a restart) a snapshotter whose state lives under `root`. */
export type OpenSnapshotter = (root: string) => Promise<Snapshotter>;

const isNotFound = (err: unknown): boolean => isKind(err, 'NotFound');
/** Every path under `dir`: what a failed step leaves behind shows here. */
const tree = async (dir: string): Promise<string[]> => (await readdir(dir, { recursive: true })).sort();
const ls = async (dir: string): Promise<string[]> => (await readdir(dir)).sort();
const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );
const chain = (label: string): Digest => sha256(`chain ${label}`);

/** The base layer and a child that deletes, masks (opaque dir) and adds on top of it. */
const BASE: FixtureEntry[] = [
  { name: 'etc/', type: 'directory' },
  { name: 'etc/a', body: 'a1' },
  { name: 'dir/', type: 'directory' },
  { name: 'dir/x', body: 'x' },
  { name: 'dir/y', body: 'y' },
  { name: 'keep/', type: 'directory' },
  { name: 'keep/k', body: 'k' },
  { name: 'gone/', type: 'directory' },
  { name: 'gone/g', body: 'g' },
  { name: 'owned', body: 'o', uid: 1000, gid: 1000 },
];
const CHILD: FixtureEntry[] = [
  { name: 'etc/', type: 'directory' },
  { name: 'etc/.wh.a' },
  { name: 'dir/', type: 'directory' },
  { name: 'dir/.wh..wh..opq' },
  { name: 'dir/z', body: 'z' },
  { name: '.wh.gone' },
  { name: 'b', body: 'b2' },
];

export function snapshotterSuite(name: string, open: OpenSnapshotter): void {
  describe(`Snapshotter contract: ${name}`, () => {
    const dir = suiteDirs(`berth-snapshots-${name}-`);

    /** A snapshotter on a fresh root, and a maker of fresh mount targets beside it. */
    async function fresh(): Promise<{ s: Snapshotter; root: string; target: () => string }> {
      const [root, mnt] = [dir(), dir()];
      let m = 0;
      return { s: await open(root), root, target: () => join(mnt, String(m++)) };
    }

    async function apply(s: Snapshotter, id: string, parent: string | null, entries: FixtureEntry[]): Promise<void> {
      await s.applyLayer(id, parent, streamOf(await makeTar(entries)));
    }

    /** A base layer and its child committed, an active snapshot on top, mounted. */
    async function mountedStack(): Promise<{ s: Snapshotter; root: string; target: string; key: string; l1: Digest; l2: Digest }> {
      const { s, root, target } = await fresh();
      const [l1, l2] = [chain('base'), chain('child')];
      await apply(s, l1, null, BASE);
      await apply(s, l2, l1, CHILD);
      const t = target();
      await s.prepare('c1', l2);
      await s.mount('c1', t);
      return { s, root, target: t, key: 'c1', l1, l2 };
    }

    test('applyLayer commits a layer under its chain ID; hasLayer and layerPath see it', async () => {
      const { s } = await fresh();
      const l1 = chain('base');
      assert.equal(await s.hasLayer(l1), false);
      await apply(s, l1, null, BASE);
      assert.equal(await s.hasLayer(l1), true);
      assert.equal(await readFile(join(s.layerPath(l1), 'etc/a'), 'utf8'), 'a1');
    });

    test('a layer named by a function gets its name once its tar is unpacked', async () => {
      const { s } = await fresh();
      const l1 = chain('named-later');
      const tar = streamOf(await makeTar(BASE));
      let ended = false;
      tar.on('end', () => (ended = true));
      await s.applyLayer(
        async () => {
          assert.equal(ended, true, 'named before the tar was read to its end');
          return l1;
        },
        null,
        tar,
      );
      assert.equal(await s.hasLayer(l1), true);
      assert.equal(await readFile(join(s.layerPath(l1), 'keep/k'), 'utf8'), 'k');
    });

    test('a mounted active snapshot shows its parent chain with whiteouts and opaque dirs applied', async () => {
      const { s, target, l1 } = await mountedStack();
      assert.equal(await s.isMounted(target), true);
      assert.deepEqual(await ls(target), ['b', 'dir', 'etc', 'keep', 'owned']);
      assert.deepEqual(await ls(join(target, 'etc')), []); // etc/a whited out
      assert.deepEqual(await ls(join(target, 'dir')), ['z']); // x and y masked by the opaque dir
      assert.equal(await readFile(join(target, 'keep/k'), 'utf8'), 'k');
      assert.equal(await readFile(join(target, 'b'), 'utf8'), 'b2');
      assert.equal((await stat(join(target, 'owned'))).uid, 1000);
      // The parent layer is untouched by its child.
      assert.deepEqual(await ls(join(s.layerPath(l1), 'dir')), ['x', 'y']);
    });

    test('activeKeys lists the active snapshots, and no longer one that was removed', async () => {
      const { s } = await fresh();
      assert.deepEqual(await s.activeKeys(), []);
      await s.prepare('k1', null);
      await s.prepare('k2', null);
      assert.deepEqual((await s.activeKeys()).sort(), ['k1', 'k2']);
      await s.remove('k1');
      assert.deepEqual(await s.activeKeys(), ['k2']);
    });

    test('an active snapshot without a parent is an empty, writable root', async () => {
      const { s, target } = await fresh();
      const t = target();
      await s.prepare('scratch', null);
      await s.mount('scratch', t);
      assert.deepEqual(await ls(t), []);
      await writeFile(join(t, 'f'), 'f');
      assert.equal(await readFile(join(s.upperDir('scratch'), 'f'), 'utf8'), 'f');
    });

    test("a volatile mount (a build step's scratch) writes to the upper dir like any other, which can be committed", async () => {
      const { s, target } = await fresh();
      const t = target();
      await s.prepare('vol', null);
      await s.mount('vol', t, undefined, { volatile: true });
      await writeFile(join(t, 'f'), 'v');
      await s.unmount(t);
      assert.equal(await readFile(join(s.upperDir('vol'), 'f'), 'utf8'), 'v');
      if (s.commit === undefined) return;
      await s.commit('vol', 'sha256:' + 'd'.repeat(64));
      assert.ok(await s.hasLayer('sha256:' + 'd'.repeat(64)));
    });

    test('writes through the mount land in the upper dir, count in its size and read back as changes', async () => {
      const { s, target, key } = await mountedStack();
      const before = await dirSize(s.upperDir(key));
      await writeFile(join(target, 'new'), Buffer.alloc(1000, 1));
      assert.equal(await dirSize(s.upperDir(key)), before + 1000);
      await writeFile(join(target, 'b'), 'b3');
      await unlink(join(target, 'keep/k'));
      assert.equal(await readFile(join(s.upperDir(key), 'new'), 'utf8'), Buffer.alloc(1000, 1).toString());
      assert.equal(await readFile(join(s.upperDir(key), 'b'), 'utf8'), 'b3');
      let lowers: string[];
      try {
        lowers = await s.lowerDirs(key);
      } catch (err) {
        // Drivers whose upper dir is a full copy cannot tell changes apart, and say so.
        assert.ok(isKind(err, 'NotImplemented'), String(err));
        return;
      }
      const changes = (await overlayChanges(s.upperDir(key), lowers)).sort((a, b) => a.Path.localeCompare(b.Path));
      assert.deepEqual(changes, [
        { Path: '/b', Kind: 0 },
        { Path: '/keep', Kind: 0 },
        { Path: '/keep/k', Kind: 2 },
        { Path: '/new', Kind: 1 },
      ]);
    });

    test('unmount keeps the changes for the next mount; unmounting twice is no error', async () => {
      const { s, target, key } = await mountedStack();
      await writeFile(join(target, 'kept'), 'kept');
      await s.unmount(target);
      assert.equal(await s.isMounted(target), false);
      await s.unmount(target);
      await s.mount(key, target);
      assert.equal(await readFile(join(target, 'kept'), 'utf8'), 'kept');
      assert.deepEqual(await ls(join(target, 'dir')), ['z']);
    });

    test('a volatile mount keeps its changes for the next mount, volatile or not (a build step restarted, copied from)', async () => {
      const { s, target, key } = await mountedStack();
      await s.unmount(target);
      await s.mount(key, target, undefined, { volatile: true });
      await writeFile(join(target, 'kept'), 'kept');
      await s.unmount(target);
      await s.mount(key, target);
      assert.equal(await readFile(join(target, 'kept'), 'utf8'), 'kept');
      assert.deepEqual(await ls(join(target, 'dir')), ['z']);
      await s.unmount(target);
      await s.mount(key, target, undefined, { volatile: true });
      assert.equal(await readFile(join(target, 'kept'), 'utf8'), 'kept');
    });

    test('remove deletes an active snapshot: it cannot be mounted (NotFound), removing it again is no error', async () => {
      const { s, target, key } = await mountedStack();
      await s.unmount(target);
      await s.remove(key);
      assert.equal(await exists(s.upperDir(key)), false);
      await s.remove(key);
      await assert.rejects(s.mount(key, target), isNotFound);
      await assert.rejects(s.mount('never-prepared', target), isNotFound);
      assert.equal(await s.isMounted(target), false);
    });

    test('an apply whose tar fails half-way leaves no layer and nothing on disk', async () => {
      const { s, root } = await fresh();
      const l1 = chain('cut-short');
      const before = await tree(root);
      const tar = await makeTar(BASE);
      let reads = 0;
      // Fails when read past its first 2 KiB, as a download cut short does.
      const cut = new Readable({
        read() {
          if (reads++ === 0) this.push(tar.subarray(0, 2048));
          else this.destroy(new Error('connection reset'));
        },
      });
      await assert.rejects(s.applyLayer(l1, null, cut), /connection reset/);
      assert.equal(await s.hasLayer(l1), false);
      assert.deepEqual(await tree(root), before);
    });

    test('removeLayer deletes a committed layer; removing an absent one is no error', async () => {
      const { s } = await fresh();
      const l1 = chain('base');
      await apply(s, l1, null, BASE);
      await s.removeLayer(l1);
      assert.equal(await s.hasLayer(l1), false);
      assert.equal(await exists(s.layerPath(l1)), false);
      await s.removeLayer(l1);
      // It can be applied again after removal.
      await apply(s, l1, null, BASE);
      assert.equal(await s.hasLayer(l1), true);
    });

    test('applying one chain ID twice, even at the same time, keeps one whole layer', async () => {
      const { s, target } = await fresh();
      const l1 = chain('base');
      const tar = await makeTar(BASE);
      await Promise.all([s.applyLayer(l1, null, streamOf(tar)), s.applyLayer(l1, null, streamOf(tar))]);
      await s.applyLayer(l1, null, streamOf(tar));
      assert.equal(await s.hasLayer(l1), true);
      const t = target();
      await s.prepare('twice', l1);
      await s.mount('twice', t);
      assert.deepEqual(await ls(join(t, 'dir')), ['x', 'y']);
      assert.equal(await readFile(join(t, 'etc/a'), 'utf8'), 'a1');
    });

    test('unpacksBeforeParent: a child unpacks while its parent is still being applied', async (t) => {
      const { s, target } = await fresh();
      if (!s.unpacksBeforeParent) return t.skip(`${name} unpacks layers in order`);
      const [l1, l2] = [chain('base'), chain('child')];
      const childTar = new PassThrough();
      childTar.write(await makeTar(CHILD)); // all of it, but the stream ends only after the parent
      const child = s.applyLayer(l2, l1, childTar);
      await apply(s, l1, null, BASE);
      childTar.end();
      await child;
      const mnt = target();
      await s.prepare('early', l2);
      await s.mount('early', mnt);
      assert.deepEqual(await ls(mnt), ['b', 'dir', 'etc', 'keep', 'owned']);
      assert.deepEqual(await ls(join(mnt, 'dir')), ['z']);
    });

    test('commit (optional) makes an unmounted active snapshot a layer on its parent; a missing key is NotFound', async (t) => {
      const { s, target, key, l2 } = await mountedStack();
      if (!s.commit) return t.skip(`${name} has no commit`);
      await writeFile(join(target, 'committed'), 'c');
      await s.unmount(target);
      const c = chain('committed');
      await s.commit(key, c);
      assert.equal(await s.hasLayer(c), true);
      await assert.rejects(s.mount(key, target), isNotFound); // the active snapshot is gone
      const t2 = `${target}-2`;
      await s.prepare('on-commit', c);
      await s.mount('on-commit', t2);
      assert.deepEqual(await ls(t2), ['b', 'committed', 'dir', 'etc', 'keep', 'owned']);
      assert.equal(await readFile(join(t2, 'committed'), 'utf8'), 'c');
      assert.equal(await s.hasLayer(l2), true);
      await assert.rejects(s.commit('never-prepared', chain('missing')), isNotFound);
    });

    test('mount with a remap shows files owned by the mapped host ids, and leaves the layers as they are', async () => {
      const { s, target } = await fresh();
      const l1 = chain('base');
      await apply(s, l1, null, BASE);
      const remap = { key: '100000.100000', uids: [{ containerID: 0, hostID: 100000, size: 65536 }], gids: [{ containerID: 0, hostID: 100000, size: 65536 }] };
      const t = target();
      await s.prepare('remapped', l1);
      await s.mount('remapped', t, remap);
      assert.equal((await stat(join(t, 'etc/a'))).uid, 100000);
      assert.equal((await stat(join(t, 'owned'))).gid, 101000);
      assert.equal((await stat(join(s.layerPath(l1), 'etc/a'))).uid, 0);
      await s.unmount(t);
      await s.mount('remapped', t, remap); // a second mount with the same remap
      assert.equal((await stat(join(t, 'owned'))).uid, 101000);
    });

    test('a snapshotter reopened on the same root sees the committed layers and active snapshots', async () => {
      const { s, root, target, key, l1, l2 } = await mountedStack();
      await writeFile(join(target, 'before-restart'), 'r');
      await s.unmount(target);
      const again = await open(root);
      assert.equal(await again.hasLayer(l1), true);
      assert.equal(await again.hasLayer(l2), true);
      await again.mount(key, target);
      assert.equal(await readFile(join(target, 'before-restart'), 'utf8'), 'r');
      assert.deepEqual(await ls(join(target, 'dir')), ['z']);
    });
  });
}
