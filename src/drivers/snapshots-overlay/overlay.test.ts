import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snapshotterSuite } from '../../core/snapshots.suite.js';
import { unmountAllUnder } from '../../lib/fs/mounts.js';
import { OverlaySnapshotter } from './overlay.js';

snapshotterSuite('overlayfs', (root) => OverlaySnapshotter.open(root));

/** The mount options of the mount at `target`, from /proc/self/mountinfo (a volatile overlay shows `volatile`, or `fsync=volatile` from 6.x). */
async function optionsOf(target: string): Promise<string[]> {
  for (const line of (await readFile('/proc/self/mountinfo', 'utf8')).split('\n')) {
    const f = line.split(' ');
    if (f[4] === target) return (f[f.indexOf('-') + 3] ?? '').split(',');
  }
  return [];
}

const isVolatile = (o: string): boolean => o === 'volatile' || o === 'fsync=volatile';

test('overlayfs: a volatile snapshot is mounted with `volatile`, and again so after a plain request (the kernel refuses its work dir otherwise)', async () => {
  const base = await mkdtemp(join(tmpdir(), 'berth-overlay-volatile-'));
  try {
    const s = await OverlaySnapshotter.open(join(base, 'root'));
    const target = join(base, 'mnt');
    await s.prepare('plain', null);
    await s.mount('plain', target);
    assert.equal((await optionsOf(target)).some(isVolatile), false);
    await s.unmount(target);
    await s.prepare('step', null);
    await s.mount('step', target, undefined, { volatile: true });
    assert.ok((await optionsOf(target)).some(isVolatile), (await optionsOf(target)).join(','));
    await s.unmount(target);
    await s.mount('step', target);
    assert.ok((await optionsOf(target)).some(isVolatile), (await optionsOf(target)).join(','));
    await s.unmount(target);
  } finally {
    await unmountAllUnder(base);
    await rm(base, { recursive: true, force: true });
  }
});
