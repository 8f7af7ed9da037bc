import assert from 'node:assert/strict';
import { chmod, chown, lstat, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { shiftTreeIds, toHostId } from './shift-ids.js';

const map = [{ containerID: 0, hostID: 100000, size: 1000 }];

test('ids inside the map move; outside stay', () => {
  assert.equal(toHostId(0, map), 100000);
  assert.equal(toHostId(999, map), 100999);
  assert.equal(toHostId(1000, map), undefined);
});

test('re-owns a tree without following links and keeps setuid bits', { skip: process.getuid?.() !== 0 && 'needs root' }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-shift-'));
  try {
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'su'), '');
    await chown(join(dir, 'sub', 'su'), 0, 0);
    await chmod(join(dir, 'sub', 'su'), 0o4755);
    await writeFile(join(dir, 'other'), '');
    await chown(join(dir, 'other'), 5000, 7);
    await symlink('/etc/passwd', join(dir, 'link'));
    await shiftTreeIds(dir, map, map);
    const su = await lstat(join(dir, 'sub', 'su'));
    assert.deepEqual([su.uid, su.gid, su.mode & 0o7777], [100000, 100000, 0o4755]);
    const other = await lstat(join(dir, 'other'));
    assert.deepEqual([other.uid, other.gid], [5000, 100007]);
    assert.equal((await lstat(join(dir, 'link'))).uid, 100000);
    assert.equal((await lstat('/etc/passwd')).uid, 0, 'the link target is untouched');
    assert.equal((await lstat(dir)).uid, 100000);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
