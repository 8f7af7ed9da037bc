import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { memberPath } from './load-spool.js';

describe('memberPath', () => {
  it('cleans archive paths and rejects absolute or climbing ones', () => {
    assert.equal(memberPath('./blobs/sha256/ab'), 'blobs/sha256/ab');
    assert.equal(memberPath('a/../manifest.json'), 'manifest.json');
    assert.throws(() => memberPath('/etc/passwd'), /absolute path/);
    assert.throws(() => memberPath('../x'), /outside the archive/);
    assert.throws(() => memberPath('a/../../x'), /outside the archive/);
  });
});
