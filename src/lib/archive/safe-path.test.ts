import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanEntryPath } from './safe-path.js';
import { parsePaxXattrs } from './xattr.js';
import { rawPax } from './tar-fixture.js';

test('cleans entry names', () => {
  assert.equal(cleanEntryPath('./a/b'), 'a/b');
  assert.equal(cleanEntryPath('/abs/path/'), 'abs/path');
  assert.equal(cleanEntryPath('a//b/./c/'), 'a/b/c');
  assert.equal(cleanEntryPath('a/b/../c'), 'a/c');
  assert.equal(cleanEntryPath('./'), '');
  assert.equal(cleanEntryPath('.'), '');
  assert.equal(cleanEntryPath('a/..'), '');
  assert.equal(cleanEntryPath('..a/b..'), '..a/b..');
});

test('rejects names climbing out', () => {
  for (const name of ['..', '../x', 'a/../../x', '/..', '/abs/../../evil', './../x', 'a/b/../../..']) {
    assert.throws(() => cleanEntryPath(name), { message: `archive/tar: invalid path "${name}": escapes the target` }, name);
  }
});

test('parses PAX xattrs as raw bytes', () => {
  const bin = Buffer.from([0x01, 0x00, 0xc0, 0xff, 0x0a, 0x3d, 0x20]); // includes newline, '=', space
  const body = rawPax([
    ['path', Buffer.from('some/where')],
    ['SCHILY.xattr.security.capability', bin],
    ['SCHILY.xattr.user.é', Buffer.from('v=1')],
    ['SCHILY.xattr.user.empty', Buffer.alloc(0)],
  ]).body as Buffer;
  const x = parsePaxXattrs(body);
  assert.deepEqual([...x.keys()], ['security.capability', 'user.é', 'user.empty']);
  assert.deepEqual(x.get('security.capability'), bin);
  assert.deepEqual(x.get('user.é'), Buffer.from('v=1'));
  assert.deepEqual(x.get('user.empty'), Buffer.alloc(0));
  assert.equal(parsePaxXattrs(Buffer.from('garbage')).size, 0);
});
