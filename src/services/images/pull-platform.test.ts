import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePlatform, selectManifest } from './pull-platform.js';

const d = (architecture: string, variant?: string) => ({
  mediaType: 'm',
  digest: `sha256:${architecture}${variant ?? ''}` as `sha256:${string}`,
  size: 1,
  platform: { os: 'linux', architecture, ...(variant ? { variant } : {}) },
});

test('platforms parse as docker does', () => {
  assert.deepEqual(parsePlatform(undefined), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
  assert.deepEqual(parsePlatform('x86_64'), { os: 'linux', architecture: 'amd64' });
  assert.throws(() => parsePlatform('linux//'), /unknown operating system or architecture/);
});

test('selectManifest picks the platform, the variant when asked, and names a miss', () => {
  const list = [d('arm', 'v6'), d('arm', 'v7'), d('amd64'), d('arm64', 'v8')];
  assert.equal(selectManifest(list, { os: 'linux', architecture: 'amd64' }, 'x').digest, 'sha256:amd64');
  assert.equal(selectManifest(list, { os: 'linux', architecture: 'arm', variant: 'v7' }, 'x').digest, 'sha256:armv7');
  assert.throws(
    () => selectManifest(list, { os: 'linux', architecture: 's390x' }, 'img'),
    /no matching manifest for linux\/s390x in the manifest list entries: img/,
  );
});
