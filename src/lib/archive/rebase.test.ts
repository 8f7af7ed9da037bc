import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rebaseName } from './rebase.js';

describe('rebaseName', () => {
  it('moves the top entry and everything under it, as Docker rebases cp archives', () => {
    const r = rebaseName('data', 'copy');
    assert.deepEqual(['data/', 'data/a', 'data/sub/', 'other', 'database'].map(r), ['copy/', 'copy/a', 'copy/sub/', 'other', 'database']);
    const dot = rebaseName('.', 'out');
    assert.deepEqual(['./', './a', './sub/'].map(dot), ['out/', 'out/a', 'out/sub/']);
    assert.equal(rebaseName('f.txt', 'g.txt')('f.txt'), 'g.txt');
  });
});
