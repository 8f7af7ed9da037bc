import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSnapshotter } from './storage-driver.js';

async function withRoot(fn: (root: string, logs: string[]) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'berth-driver-'));
  try {
    await fn(root, []);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

test('the first start records the driver; later starts use it', async () => {
  await withRoot(async (root, logs) => {
    assert.equal((await openSnapshotter(root, 'vfs', (m) => logs.push(m))).name, 'vfs');
    assert.equal(await readFile(join(root, 'snapshots', 'driver'), 'utf8'), 'vfs\n');
    // No flag: the recorded driver, never a probe's choice.
    assert.equal((await openSnapshotter(root, undefined, (m) => logs.push(m))).name, 'vfs');
  });
});

test('a --storage-driver other than the recorded one refuses the start', async () => {
  await withRoot(async (root, logs) => {
    await openSnapshotter(root, 'vfs', (m) => logs.push(m));
    await assert.rejects(
      openSnapshotter(root, 'overlayfs', (m) => logs.push(m)),
      /--storage-driver overlayfs: this data root's images and containers are stored by vfs .*does not switch storage drivers/,
    );
  });
});

test('a data root from before the record keeps the driver its layout shows', async () => {
  await withRoot(async (root, logs) => {
    await mkdir(join(root, 'snapshots', 'layers', 'abc'), { recursive: true });
    assert.equal((await openSnapshotter(root, undefined, (m) => logs.push(m))).name, 'vfs');
    assert.equal(await readFile(join(root, 'snapshots', 'driver'), 'utf8'), 'vfs\n');
  });
});

test('an unknown recorded driver is an error, not a fallback', async () => {
  await withRoot(async (root, logs) => {
    await mkdir(join(root, 'snapshots'));
    await writeFile(join(root, 'snapshots', 'driver'), 'zfs\n');
    await assert.rejects(
      openSnapshotter(root, undefined, (m) => logs.push(m)),
      /unknown storage driver "zfs"/,
    );
  });
});
