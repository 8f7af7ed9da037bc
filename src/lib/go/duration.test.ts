import { test } from 'node:test';
import assert from 'node:assert/strict';
import { invalidDuration, parseGoDuration } from './duration.js';

test('parses Go durations', () => {
  assert.equal(parseGoDuration('1m30s'), 90e9);
  assert.equal(parseGoDuration('200ms'), 200e6);
  assert.equal(parseGoDuration('1.5h'), 5400e9);
  assert.equal(parseGoDuration('1h2m3s4ms5us6ns'), 3723004005006);
  assert.equal(parseGoDuration('.5s'), 500e6);
  assert.equal(parseGoDuration('0'), 0);
});

test('refuses what time.ParseDuration refuses (and signs, which Docker never takes here)', () => {
  for (const bad of ['', '5', '5x', 's', '1h 2m', '-1s', '1.5']) assert.equal(parseGoDuration(bad), undefined, bad);
  assert.equal(invalidDuration('5x'), 'time: invalid duration "5x"');
});
