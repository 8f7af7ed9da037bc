import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesSize, humanDuration, humanSize, humanSizeWithPrecision, ramInBytes } from './units.js';

test('humanDuration matches go-units', () => {
  assert.equal(humanDuration(500), 'Less than a second');
  assert.equal(humanDuration(1000), '1 second');
  assert.equal(humanDuration(45_000), '45 seconds');
  assert.equal(humanDuration(90_000), 'About a minute');
  assert.equal(humanDuration(5 * 60_000), '5 minutes');
  assert.equal(humanDuration(61 * 60_000), 'About an hour');
  assert.equal(humanDuration(5 * 3_600_000), '5 hours');
  assert.equal(humanDuration(3 * 86_400_000), '3 days');
  assert.equal(humanDuration(21 * 86_400_000), '3 weeks');
});

test('humanSizeWithPrecision(…, 3) matches go-units (the docker CLI tables)', () => {
  assert.equal(humanSizeWithPrecision(0, 3), '0B');
  assert.equal(humanSizeWithPrecision(999, 3), '999B');
  assert.equal(humanSizeWithPrecision(4_261_000, 3), '4.26MB');
  assert.equal(humanSizeWithPrecision(2_140_160, 3), '2.14MB');
  assert.equal(humanSizeWithPrecision(1_000_000_000, 3), '1GB');
});

test('humanSize and bytesSize are go-units (4 significant digits)', () => {
  assert.equal(humanSize(32_768), '32.77kB');
  assert.equal(humanSize(2_157_000), '2.157MB');
  assert.equal(humanSize(5_000_000), '5MB');
  assert.equal(bytesSize(512 * 1024), '512KiB');
  assert.equal(bytesSize(23.54 * 1024 ** 3), '23.54GiB');
  assert.equal(bytesSize(1023), '1023B');
});

test('ramInBytes reads go-units sizes (binary multiples) and refuses others', () => {
  assert.equal(ramInBytes('512m'), 512 * 1024 ** 2);
  assert.equal(ramInBytes('1g'), 1024 ** 3);
  assert.equal(ramInBytes('1.5MB'), 1.5 * 1024 ** 2);
  assert.equal(ramInBytes('100'), 100);
  assert.equal(ramInBytes('10x'), undefined);
});

test('sizes are printed with Go\'s %g: the cgroup v1 "unlimited" limit, exponents, no re-normalising', () => {
  // 2^63 - 4096 (cgroup v1 memory.limit_in_bytes when unlimited) and 2^63 - 1: the docker CLI shows 8EiB.
  assert.equal(bytesSize(9223372036854771712), '8EiB');
  assert.equal(bytesSize(2 ** 63 - 1), '8EiB');
  assert.equal(bytesSize(8192 * 1024 ** 5), '8EiB');
  assert.equal(bytesSize(1024 ** 6 * 1023.99), '1024EiB');
  assert.equal(bytesSize(1024 * 1023.99), '1024KiB');
  assert.equal(humanSizeWithPrecision(999_500, 3), '1e+03kB');
  assert.equal(humanSizeWithPrecision(999_949, 3), '1e+03kB');
  assert.equal(humanSizeWithPrecision(999_400, 3), '999kB');
  assert.equal(humanSize(1e30), '1e+06YB');
});
