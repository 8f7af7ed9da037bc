import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contextFilter, parseIgnoreFile } from './dockerignore.js';

test('.dockerignore lines are read as Docker reads them: trimmed, comments out, `! x` is `!x`, no leading slash', () => {
  assert.deepEqual(parseIgnoreFile(' ignored \n\n#* comment\n! keep/this  \n/abs/path\n!/abs/keep\n/\n'), [
    'ignored',
    '!keep/this',
    'abs/path',
    '!abs/keep',
    '/',
  ]);
});

test('a file re-included under an ignored directory is kept, its siblings are not, and the directory is walked', () => {
  const f = contextFilter(parseIgnoreFile('ignored\n!ignored/subdir/excepted-file\n'));
  assert.equal(f.excludes('ignored/subdir/file'), true);
  assert.equal(f.excludes('ignored/subdir/excepted-file'), false);
  assert.equal(f.prunes('ignored'), false, 'an exception beneath it: the directory must be walked');
  assert.equal(f.prunes('other'), false);
  assert.equal(contextFilter(['ignored']).prunes('ignored'), true);
});
