import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createdMountPoints } from './init-paths.js';

test('mount points the runtime made are found with the parents it needed, never what the image had or the step wrote', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-stubs-'));
  try {
    const lower = join(dir, 'lower');
    const upper = join(dir, 'upper');
    await mkdir(join(lower, 'had'), { recursive: true });
    // /a/b/c (a directory target) and /a/f (a file target) made by the runtime; /a/kept written by the step.
    await mkdir(join(upper, 'a', 'b', 'c'), { recursive: true });
    await writeFile(join(upper, 'a', 'f'), '');
    await writeFile(join(upper, 'a', 'kept'), 'data');
    // /had/x: the image had /had; /d/e under a symlink of the writable layer; /g/h is a file with content.
    await mkdir(join(upper, 'had', 'x'), { recursive: true });
    await mkdir(join(dir, 'elsewhere', 'e'), { recursive: true });
    await symlink(join(dir, 'elsewhere'), join(upper, 'd'));
    await mkdir(join(upper, 'g'));
    await writeFile(join(upper, 'g', 'h'), 'written');
    // /m/n and /m/o: both targets, so /m goes too.
    await mkdir(join(upper, 'm', 'n'), { recursive: true });
    await mkdir(join(upper, 'm', 'o'));
    const got = await createdMountPoints([lower], upper, ['/a/b/c', '/a/f', '/had/x', '/d/e', '/g/h', '/m/n', '/m/o/', '/absent']);
    assert.deepEqual([...got].sort(), ['a/b', 'a/b/c', 'a/f', 'had/x', 'm', 'm/n', 'm/o']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
