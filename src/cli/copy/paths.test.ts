import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertsDirectory, lastElement, parentPath, splitCpArg } from './paths.js';

describe('cp paths', () => {
  it('splits container:path the way the docker CLI does', () => {
    assert.deepEqual(splitCpArg('web:/etc'), { container: 'web', path: '/etc' });
    assert.deepEqual(splitCpArg('/tmp/a:b'), { path: '/tmp/a:b' });
    assert.deepEqual(splitCpArg('./a:b'), { path: './a:b' });
    assert.deepEqual(splitCpArg('file'), { path: 'file' });
  });
  it('knows last elements, parents and directory assertions', () => {
    assert.deepEqual(['/etc/', '/etc/.', '/', 'a', 'a/b'].map(lastElement), ['etc', '.', '/', 'a', 'b']);
    assert.deepEqual(['/etc/hosts', '/etc', 'a', 'a/b/'].map(parentPath), ['/etc', '/', '.', 'a']);
    assert.deepEqual(['/x/', '/x/.', '/x'].map(assertsDirectory), [true, true, false]);
  });
});
