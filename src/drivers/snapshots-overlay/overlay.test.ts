import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snapshotterSuite } from '../../core/snapshots.suite.js';
import { OverlaySnapshotter } from './overlay.js';

snapshotterSuite('overlayfs', (root) => OverlaySnapshotter.open(root));

test('a volatile mount is made with overlay volatile option (its unmount syncs nothing)', async () => {
  const root = await mkdtemp(join(tmpdir(), 'berth-overlay-volatile-'));
  const target = join(root, 'mnt');
  try {
    const s = await OverlaySnapshotter.open(join(root, 'sn'));
    await s.prepare('vol', null);
    await s.mount('vol', target, undefined, { volatile: true });
    try {
      const line = (await readFile('/proc/self/mounts', 'utf8')).split('\n').find((l) => l.split(' ')[1] === target);
      assert.match(line ?? '', /[ ,](fsync=)?volatile[ ,]/); // 6.x shows it as fsync=volatile
    } finally {
      await s.unmount(target);
    }
    await s.remove('vol');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
