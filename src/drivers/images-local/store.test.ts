import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageStoreSuite } from '../../core/images.suite.js';
import type { ImageConfigBlob } from '../../core/images.js';
import { MEDIA_TYPE } from '../../lib/oci/image-spec.js';
import { LocalContentStore } from '../content-local/store.js';
import { LocalImageStore } from './store.js';

imageStoreSuite('local', async (root) => {
  const content = await LocalContentStore.open(root);
  return { content, images: await LocalImageStore.open(content, root) };
});

test('local image store: tagging an image with a name it already has writes nothing (every cached build re-tags)', async () => {
  const root = await mkdtemp(join(tmpdir(), 'berth-images-local-'));
  try {
    const content = await LocalContentStore.open(root);
    const images = await LocalImageStore.open(content, root);
    const config: ImageConfigBlob = { architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [] } };
    const cfg = await content.put(JSON.stringify(config));
    const m = await content.put(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPE.ociManifest,
        config: { mediaType: MEDIA_TYPE.ociConfig, digest: cfg.digest, size: cfg.size },
        layers: [],
      }),
    );
    await images.add({ id: cfg.digest, names: [], manifestDigest: m.digest, config, size: 0 });
    await images.tag(cfg.digest, 'docker.io/library/app:latest');
    const before = await stat(join(root, 'index.json'));
    await images.tag(cfg.digest, 'docker.io/library/app:latest');
    const after = await stat(join(root, 'index.json'));
    assert.equal(after.ino, before.ino, 'index.json was not replaced');
    assert.equal(after.mtimeMs, before.mtimeMs);
    await images.tag(cfg.digest, 'docker.io/library/app:v2');
    assert.notEqual((await stat(join(root, 'index.json'))).ino, before.ino, 'a new name is written');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
