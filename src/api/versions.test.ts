import assert from 'node:assert/strict';
import { test } from 'node:test';
import { API_VERSION, MIN_API_VERSION } from './types/version.js';
import { at, compareVersions, FEATURE_ROUTES, FEATURES, versionRanges, type Feature } from './versions.js';

test('the window: 1.24 up to the newest published version (1.56)', () => {
  assert.equal(MIN_API_VERSION, '1.24');
  assert.equal(API_VERSION, '1.56');
});

test('compareVersions compares the minor number as a number', () => {
  assert.ok(compareVersions('1.9', '1.10') < 0);
  assert.ok(compareVersions('1.44', '1.5') > 0);
  assert.equal(compareVersions('1.41', '1.41'), 0);
  assert.ok(compareVersions('2.0', '1.99') > 0);
});

test('every feature starts inside the window, after 1.41, and names a real version', () => {
  for (const [name, v] of Object.entries(FEATURES)) {
    assert.match(v, /^1\.\d+$/, name);
    assert.ok(compareVersions(v, '1.41') > 0, `${name}: ${v} is not after 1.41`);
    assert.ok(compareVersions(v, API_VERSION) <= 0, `${name}: ${v} is beyond ${API_VERSION}`);
  }
});

test('at: off one version below the feature, on at it and above; an unversioned request is the newest', () => {
  for (const [name, v] of Object.entries(FEATURES) as Array<[Feature, string]>) {
    const minor = Number(v.split('.')[1]);
    assert.equal(at(`1.${minor - 1}`, name), false, `${name} below ${v}`);
    assert.equal(at(v, name), true, `${name} at ${v}`);
    assert.equal(at(API_VERSION, name), true, `${name} at ${API_VERSION}`);
    assert.equal(at('', name), true, `${name} unversioned`);
    assert.equal(at(MIN_API_VERSION, name), false, `${name} at ${MIN_API_VERSION}`);
  }
});

test('the boundaries the issue names', () => {
  assert.equal(at('1.41', 'volumePruneAnonymousOnly'), false);
  assert.equal(at('1.42', 'volumePruneAnonymousOnly'), true);
  assert.equal(at('1.43', 'noVirtualSize'), false);
  assert.equal(at('1.44', 'noVirtualSize'), true);
  assert.equal(at('1.44', 'aliasesWithoutShortId'), false);
  assert.equal(at('1.45', 'aliasesWithoutShortId'), true);
  assert.equal(at('1.51', 'eventsWithoutLegacyFields'), false);
  assert.equal(at('1.52', 'eventsWithoutLegacyFields'), true);
  assert.equal(at('1.50', 'imageContainersCount'), false);
  assert.equal(at('1.51', 'imageContainersCount'), true);
});

test('versionRanges: contiguous, from 1.24 to the newest, cut where a feature starts', () => {
  const ranges = versionRanges();
  assert.equal(ranges[0]![0], MIN_API_VERSION);
  assert.equal(ranges.at(-1)![1], API_VERSION);
  assert.deepEqual(ranges[0], ['1.24', '1.41']);
  for (let i = 1; i < ranges.length; i++) {
    const [, prevTo] = ranges[i - 1]!;
    const [from, to] = ranges[i]!;
    assert.equal(Number(from.split('.')[1]), Number(prevTo.split('.')[1]) + 1, `${from} follows ${prevTo}`);
    assert.ok(compareVersions(from, to) <= 0);
    assert.ok(Object.values(FEATURES).includes(from as never), `${from} starts a feature`);
  }
  // Within a range every feature is on or off alike.
  for (const [from, to] of ranges) {
    for (const f of Object.keys(FEATURES) as Feature[]) assert.equal(at(from, f), at(to, f), `${f} in ${from}–${to}`);
  }
});

test('FEATURE_ROUTES names only features of the table, as METHOD /path', () => {
  for (const [name, routes] of Object.entries(FEATURE_ROUTES)) {
    assert.ok(name in FEATURES, name);
    for (const r of routes ?? []) assert.match(r, /^(GET|POST|PUT|DELETE|HEAD) \//, `${name}: ${r}`);
  }
});
