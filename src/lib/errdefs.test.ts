import { test } from 'node:test';
import assert from 'node:assert/strict';
import { internal, invalidArgument, isDiskFull, kindOf, messageOf } from './errdefs.js';

const enospc = (): NodeJS.ErrnoException =>
  Object.assign(new Error("ENOSPC: no space left on device, mkdir '/var/lib/berth/volumes/v'"), {
    code: 'ENOSPC',
    syscall: 'mkdir',
    path: '/var/lib/berth/volumes/v',
  });

test("a full disk is Unavailable, raw, as a cause, or in a child process's words", () => {
  assert.equal(kindOf(enospc()), 'Unavailable');
  assert.equal(kindOf(internal('archive/tar: extracting "a"', enospc())), 'Unavailable');
  assert.equal(kindOf(internal('runc create failed: write /x: no space left on device')), 'Unavailable');
  assert.equal(kindOf(Object.assign(new Error('EDQUOT: disk quota exceeded, write'), { code: 'EDQUOT' })), 'Unavailable');
  assert.equal(isDiskFull(new Error('EIO: i/o error, write')), false);
  assert.equal(kindOf(new Error('boom')), 'Internal');
  // A kind chosen on purpose stays.
  assert.equal(kindOf(invalidArgument('invalid archive: no space left on device')), 'InvalidArgument');
});

test("a full disk is said in Go's words", () => {
  assert.equal(messageOf(enospc()), 'mkdir /var/lib/berth/volumes/v: no space left on device');
  assert.equal(messageOf(new Error('ENOSPC: no space left on device, write')), 'write: no space left on device');
  assert.equal(
    messageOf(new Error('archive/tar: extracting "f": ENOSPC: no space left on device, open \'/a/b\'')),
    'archive/tar: extracting "f": open /a/b: no space left on device',
  );
  assert.equal(messageOf(new Error("ENOENT: no such file or directory, open '/x'")), "ENOENT: no such file or directory, open '/x'");
  assert.equal(messageOf('text'), 'text');
});
