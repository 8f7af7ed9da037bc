import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm, symlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { tempDir } from '../archive/tar-fixture.js';
import { setXattr } from '../archive/xattr.js';
import { parseGetfattr, readXattrs } from './read-xattrs.js';

test('parses getfattr -d -e hex output, octal-escaped names included', () => {
  const out = parseGetfattr('# file: /r//a\ntrusted.overlay.opaque=0x79\nuser.t=0x31\n\n# file: /r/x\\012y\nuser.e=\n');
  assert.deepEqual([...out.keys()], ['/r/a', '/r/x\ny']);
  assert.equal(out.get('/r/a')!.get('trusted.overlay.opaque')!.toString(), 'y');
  assert.equal(out.get('/r/x\ny')!.get('user.e')!.length, 0);
});

test('reads the paths given, not following a final symlink, skipping a missing one', async () => {
  const { path, cleanup } = await tempDir('berth-xattr-');
  try {
    await mkdir(join(path, 'd'));
    await setXattr(join(path, 'd'), 'user.k', Buffer.from('v'));
    await symlink(path, join(path, '..', `${basename(path)}-link`));
    const link = join(path, '..', `${basename(path)}-link`);
    try {
      const out = await readXattrs([join(link, 'd'), join(path, 'missing'), link]);
      assert.equal(out.get(join(link, 'd'))?.get('user.k')?.toString(), 'v');
      assert.equal(out.get(link), undefined, 'the symlink itself has no xattrs');
    } finally {
      await rm(link, { force: true });
    }
  } finally {
    await cleanup();
  }
});
