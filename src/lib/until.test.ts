import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUntil, timeOrDuration } from './until.js';

test('until accepts timestamps, RFC 3339 and Go durations', () => {
  const now = 1_000_000_000_000;
  assert.equal(parseUntil('1700000000', now), 1_700_000_000_000);
  assert.equal(parseUntil('1h30m', now), now - 5_400_000);
  assert.equal(parseUntil('10s', now), now - 10_000);
  assert.equal(parseUntil('2020-01-01T00:00:00Z', now), Date.parse('2020-01-01T00:00:00Z'));
  assert.throws(() => parseUntil('soon', now), /failed to parse value as time or duration/);
});

test('every Go duration counts back from now; "0" is the epoch, as in Docker', () => {
  const now = 1_000_000_000_000;
  assert.equal(parseUntil('1.5h', now), now - 5_400_000);
  assert.equal(parseUntil('250ms', now), now - 250);
  assert.equal(parseUntil('0', now), 0);
  assert.equal(timeOrDuration('2020-01-02', now), Date.parse('2020-01-02T00:00:00Z'));
  assert.equal(timeOrDuration('1h30', now), undefined);
});
