// Test code (not used by the engine): the contract suite every ImageStore runs. A driver's
// `*.test.ts` calls `imageStoreSuite` with a factory.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContentStore } from './content.js';
import type { Image, ImageConfigBlob, ImageStore } from './images.js';
import { isKind } from '../lib/errdefs.js';
import { suiteDirs } from './suite-dirs.js';
import type { Digest } from '../lib/digest.js';
import { MEDIA_TYPE, type OciManifest } from '../lib/oci/image-spec.js';

/**
 * Opens (or reopens, after a restart) an image store whose state lives under `root`, with the
 * content store its manifests and configs are read from.
 */
export type OpenImageStore = (root: string) => Promise<{ content: ContentStore; images: ImageStore }>;

const BUSYBOX = 'docker.io/library/busybox:latest';
const APP = 'localhost:5000/team/app:v1';

/** Writes a config and a manifest (one layer of `layerSize` bytes) and returns the image for them. */
async function makeImage(content: ContentStore, label: string, names: string[], layerSize = 100): Promise<Image> {
  const config: ImageConfigBlob = {
    architecture: 'amd64',
    os: 'linux',
    config: { Cmd: [label] },
    rootfs: { type: 'layers', diff_ids: [`sha256:${'1'.repeat(64)}`] },
  };
  const cfg = await content.put(JSON.stringify(config));
  const manifest: OciManifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPE.ociManifest,
    config: { mediaType: MEDIA_TYPE.ociConfig, digest: cfg.digest, size: cfg.size },
    layers: [{ mediaType: MEDIA_TYPE.ociLayer, digest: `sha256:${'1'.repeat(64)}`, size: layerSize }],
  };
  const m = await content.put(JSON.stringify(manifest));
  return { id: cfg.digest, names, manifestDigest: m.digest, config, size: layerSize };
}

/** Two images whose IDs share their first hex digit (so that prefix is ambiguous). */
async function twoWithCommonPrefix(content: ContentStore): Promise<[Image, Image, string]> {
  const seen = new Map<string, Image>();
  for (let i = 0; ; i++) {
    const img = await makeImage(content, `prefix-${i}`, []);
    const first = img.id.slice(7, 8);
    const other = seen.get(first);
    if (other) return [other, img, first];
    seen.set(first, img);
  }
}

const ids = (images: Image[]): Digest[] => images.map((i) => i.id).sort();

export function imageStoreSuite(name: string, open: OpenImageStore): void {
  describe(`ImageStore contract: ${name}`, () => {
    const dir = suiteDirs(`berth-images-${name}-`);

    async function fresh(): Promise<{ content: ContentStore; images: ImageStore; root: string }> {
      const root = dir();
      return { ...(await open(root)), root };
    }

    test('add records an image: get, list and resolve by full name, familiar name, ID and short ID', async () => {
      const { content, images } = await fresh();
      assert.deepEqual(images.list(), []);
      const img = await makeImage(content, 'a', [BUSYBOX]);
      await images.add(img);
      assert.deepEqual(images.get(img.id), img);
      assert.deepEqual(images.list(), [img]);
      for (const ref of [BUSYBOX, 'busybox', 'busybox:latest', 'library/busybox', img.id, img.id.slice(7), img.id.slice(7, 19), img.id.slice(0, 19)]) {
        assert.equal(images.resolve(ref)?.id, img.id, `resolve(${ref})`);
      }
      const other = await makeImage(content, 'b', [APP]);
      await images.add(other);
      assert.equal(images.resolve('localhost:5000/team/app:v1')?.id, other.id);
      assert.deepEqual(ids(images.list()), ids([img, other]));
    });

    test('resolve finds nothing (undefined) for unknown or malformed names', async () => {
      const { content, images } = await fresh();
      await images.add(await makeImage(content, 'a', [BUSYBOX]));
      for (const ref of ['busybox:other', 'alpine', 'Upper/Case', 'sha256:', `sha256:${'0'.repeat(64)}`, '0'.repeat(64), '']) {
        assert.equal(images.resolve(ref), undefined, `resolve(${JSON.stringify(ref)})`);
      }
      assert.equal(images.get(`sha256:${'0'.repeat(64)}`), undefined);
    });

    test('a short ID shared by two images is ambiguous (InvalidArgument)', async () => {
      const { content, images } = await fresh();
      const [a, b, prefix] = await twoWithCommonPrefix(content);
      await images.add(a);
      await images.add(b);
      assert.throws(
        () => images.resolve(prefix),
        (err) => isKind(err, 'InvalidArgument'),
      );
      assert.equal(images.resolve(a.id)?.id, a.id);
    });

    test('a name resolves with its digest when it was recorded so (pull by digest)', async () => {
      const { content, images } = await fresh();
      const img = await makeImage(content, 'a', []);
      const byDigest = `docker.io/library/app@${img.manifestDigest}`;
      await images.add({ ...img, names: [byDigest] });
      assert.equal(images.resolve(`app@${img.manifestDigest}`)?.id, img.id);
    });

    test('a name belongs to one image: adding or tagging it elsewhere moves it, the old image stays dangling', async () => {
      const { content, images } = await fresh();
      const old = await makeImage(content, 'old', [BUSYBOX, APP]);
      await images.add(old);
      const next = await makeImage(content, 'new', [BUSYBOX]);
      await images.add(next);
      assert.equal(images.resolve('busybox')?.id, next.id);
      assert.deepEqual(images.get(old.id)?.names, [APP]);
      await images.tag(next.id, APP);
      assert.deepEqual(images.get(old.id)?.names, []);
      assert.deepEqual(images.get(next.id)?.names.sort(), [BUSYBOX, APP].sort());
      assert.deepEqual(ids(images.list()), ids([old, next])); // dangling, still listed
    });

    test('adding an image again merges its names; tagging a name it has changes nothing', async () => {
      const { content, images } = await fresh();
      const img = await makeImage(content, 'a', [BUSYBOX]);
      await images.add(img);
      await images.add({ ...img, names: [APP] });
      await images.tag(img.id, APP);
      assert.deepEqual(images.get(img.id)?.names.sort(), [BUSYBOX, APP].sort());
      assert.equal(images.list().length, 1);
    });

    test('tag on an unknown ID is NotFound; untag returns the image that held the name', async () => {
      const { content, images } = await fresh();
      const img = await makeImage(content, 'a', [BUSYBOX, APP]);
      await images.add(img);
      await assert.rejects(images.tag(`sha256:${'0'.repeat(64)}`, 'docker.io/library/x:latest'), (err) => isKind(err, 'NotFound'));
      assert.equal((await images.untag(APP))?.id, img.id);
      assert.equal(images.resolve(APP), undefined);
      assert.equal(await images.untag(APP), undefined);
      assert.equal((await images.untag(BUSYBOX))?.id, img.id);
      assert.deepEqual(images.get(img.id)?.names, []); // untagging never deletes
    });

    test('delete forgets an image and its names; deleting it again is NotFound', async () => {
      const { content, images } = await fresh();
      const img = await makeImage(content, 'a', [BUSYBOX]);
      await images.add(img);
      await images.delete(img.id);
      assert.equal(images.get(img.id), undefined);
      assert.equal(images.resolve('busybox'), undefined);
      assert.deepEqual(images.list(), []);
      await assert.rejects(images.delete(img.id), (err) => isKind(err, 'NotFound'));
    });

    test('a store reopened on the same directory has the same images, names and dangling images', async () => {
      const { content, images, root } = await fresh();
      const named = await makeImage(content, 'named', [BUSYBOX, APP], 4096);
      const dangling = await makeImage(content, 'dangling', []);
      const deleted = await makeImage(content, 'deleted', ['docker.io/library/gone:1']);
      for (const img of [named, dangling, deleted]) await images.add(img);
      await images.delete(deleted.id);
      const again = (await open(root)).images;
      assert.deepEqual(ids(again.list()), ids([named, dangling]));
      const back = again.get(named.id)!;
      assert.deepEqual(back.names.sort(), [BUSYBOX, APP].sort());
      assert.equal(back.manifestDigest, named.manifestDigest);
      assert.equal(back.size, 4096);
      assert.deepEqual(back.config, named.config);
      assert.deepEqual(again.get(dangling.id)?.names, []);
      assert.equal(again.resolve('gone:1'), undefined);
    });
  });
}
