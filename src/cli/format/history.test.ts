import { test } from 'node:test';
import assert from 'node:assert/strict';
import { historyContext } from './history.js';

test('history rows: truncated IDs and CreatedBy, human or raw sizes and times', () => {
  const item = { Id: `sha256:${'ab'.repeat(32)}`, Created: 1_700_000_000, CreatedBy: `/bin/sh -c\t${'x'.repeat(60)}`, Tags: null, Size: 1234567, Comment: 'c' };
  const now = 1_700_000_000_000 + 3 * 3_600_000;
  const short = historyContext(item, { trunc: true, human: true }, now);
  assert.equal(short.ID, 'abababababab');
  assert.equal([...String(short.CreatedBy)].length, 45);
  assert.match(String(short.CreatedBy), /^\/bin\/sh -c x+…$/);
  assert.equal(short.Size, '1.23MB');
  assert.equal(short.CreatedSince, '3 hours ago');
  const raw = historyContext({ ...item, Id: '<missing>' }, { trunc: false, human: false }, now);
  assert.equal(raw.ID, '<missing>');
  assert.equal(raw.Size, '1234567');
  assert.equal(raw.CreatedSince, '2023-11-14T22:13:20Z');
});
