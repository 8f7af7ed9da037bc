import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNormalizedNamed, fullName, familiarString, parseReference } from './reference.js';

test('normalises official images', () => {
  const r = parseNormalizedNamed('busybox');
  assert.equal(fullName(r), 'docker.io/library/busybox:latest');
  assert.equal(familiarString(r), 'busybox:latest');
});

test('keeps user repos, registries with ports and digests', () => {
  assert.equal(fullName(parseNormalizedNamed('me/app:1.0')), 'docker.io/me/app:1.0');
  assert.equal(familiarString(parseNormalizedNamed('localhost:5000/app')), 'localhost:5000/app:latest');
  const d = 'sha256:' + 'a'.repeat(64);
  const r = parseNormalizedNamed(`quay.io/x/y@${d}`);
  assert.equal(r.tag, undefined);
  assert.equal(fullName(r), `quay.io/x/y@${d}`);
  assert.equal(fullName(parseNormalizedNamed('index.docker.io/library/busybox:1')), 'docker.io/library/busybox:1');
});

test('rejects malformed references with Docker wording', () => {
  assert.throws(() => parseReference('Busybox'), /repository name \(library\/Busybox\) must be lowercase/);
  assert.throws(() => parseReference('a b'), /^BerthError: invalid reference format$|invalid reference format/);
  assert.throws(() => parseReference(''), /invalid reference format/);
  assert.throws(() => parseReference('busybox:'), /invalid reference format/);
  assert.throws(() => parseReference('x/../y'), /invalid reference format/);
});
