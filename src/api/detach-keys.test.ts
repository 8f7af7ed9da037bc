import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { detachScanner, parseDetachKeys } from './detach-keys.js';

describe('detach keys', () => {
  it("parses docker's syntax", () => {
    assert.deepEqual([...parseDetachKeys('ctrl-p,ctrl-q')], [16, 17]);
    assert.deepEqual([...parseDetachKeys('a,ctrl-@,ctrl-[,ctrl-_')], [97, 0, 27, 31]);
    assert.throws(() => parseDetachKeys('ctrl-ab'), /Invalid detach keys/);
  });

  it('forwards everything but a completed sequence, across chunks', () => {
    const scan = detachScanner(parseDetachKeys('ctrl-p,ctrl-q'));
    assert.deepEqual(scan(Buffer.from('ab\x10')), { forward: Buffer.from('ab'), detached: false });
    assert.deepEqual(scan(Buffer.from('\x11rest')), { forward: Buffer.from(''), detached: true });
  });

  it('releases a partial match that does not complete', () => {
    const scan = detachScanner(parseDetachKeys('ctrl-p,ctrl-q'));
    assert.deepEqual(scan(Buffer.from('\x10x')), { forward: Buffer.from('\x10x'), detached: false });
    assert.deepEqual(scan(Buffer.from('\x10\x10\x11')), { forward: Buffer.from('\x10'), detached: true });
  });
});
