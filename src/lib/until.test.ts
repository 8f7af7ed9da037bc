import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUntil } from './until.js';

test('until accepts timestamps, RFC 3339 and Go durations', () => {
  const now = 1_000_000_000_000;
  assert.equal(parseUntil('1700000000', now), 1_700_000_000_000);
  assert.equal(parseUntil('1h30m', now), now - 5_400_000);
  assert.equal(parseUntil('10s', now), now - 10_000);
  assert.equal(parseUntil('2020-01-01T00:00:00Z', now), Date.parse('2020-01-01T00:00:00Z'));
  assert.throws(() => parseUntil('soon', now), /failed to parse value as time or duration/);
});
