import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Image, ImageStore } from '../core/images.js';
import type { Digest } from '../lib/digest.js';
import { findImage, toCriImage } from './image-view.js';
import { registryAuth } from './image-pull.js';

const d = (c: string): Digest => `sha256:${c.repeat(64)}`;
function image(id: string, names: string[], user?: string): Image {
  return {
    id: d(id),
    names,
    manifestDigest: d(id === '1' ? 'a' : 'b'),
    size: 42,
    config: { architecture: 'amd64', os: 'linux', config: user === undefined ? {} : { User: user }, rootfs: { type: 'layers', diff_ids: [] } },
  };
}

/** Just enough of a store: names and IDs as the local store resolves them. */
function store(images: Image[]): ImageStore {
  return {
    list: () => images,
    get: (id: Digest) => images.find((i) => i.id === id),
    resolve: (ref: string) => images.find((i) => i.id === ref || i.names.includes(ref) || i.names.includes(`docker.io/library/${ref}:latest`)),
  } as unknown as ImageStore;
}

test('an image as runtime.v1.Image: tags, one digest per repository, the ID as spec', () => {
  const img = image('1', ['docker.io/library/busybox:latest', 'docker.io/library/busybox:1', 'registry.example:5000/app:v1']);
  const v = toCriImage(img);
  assert.equal(v.id, d('1'));
  assert.deepEqual(v.repo_tags, img.names);
  assert.deepEqual(v.repo_digests, [`docker.io/library/busybox@${d('a')}`, `registry.example:5000/app@${d('a')}`]);
  assert.equal(v.size, 42);
  assert.deepEqual(v.spec, { image: d('1'), annotations: {} });
});

test("the config's user: a number is the uid, a name the username (group dropped, as containerd)", () => {
  assert.deepEqual([toCriImage(image('1', [], '1000:1000')).uid, toCriImage(image('1', [], '1000:1000')).username], [{ value: 1000 }, '']);
  assert.deepEqual([toCriImage(image('1', [], 'nobody')).uid, toCriImage(image('1', [], 'nobody')).username], [null, 'nobody']);
  assert.deepEqual([toCriImage(image('1', [])).uid, toCriImage(image('1', [])).username], [null, '']);
  assert.deepEqual(toCriImage(image('1', [], '0')).uid, { value: 0 });
});

test('an ImageSpec finds its image by ID, name or repo@manifest digest, nothing otherwise', () => {
  const a = image('1', ['docker.io/library/busybox:latest']);
  const b = image('2', ['registry.example:5000/app:v1']);
  const s = store([a, b]);
  assert.equal(findImage(s, d('1')), a);
  assert.equal(findImage(s, 'busybox'), a);
  assert.equal(findImage(s, `registry.example:5000/app@${d('b')}`), b);
  assert.equal(findImage(s, `registry.example:5000/other@${d('b')}`), undefined, 'the digest of another repository');
  assert.equal(findImage(s, `busybox@${d('b')}`), undefined);
  assert.equal(findImage(s, ''), undefined);
  assert.equal(findImage(s, 'Not A Reference!'), undefined);
});

test("the kubelet's AuthConfig as the registry client's: `auth` decoded, nothing given is anonymous", () => {
  const empty = { username: '', password: '', auth: '', server_address: '', identity_token: '', registry_token: '' };
  assert.equal(registryAuth(null), undefined);
  assert.equal(registryAuth(empty), undefined);
  const fromAuth = registryAuth({ ...empty, auth: Buffer.from('kube:pa:55').toString('base64'), server_address: 'r.example' });
  assert.equal(fromAuth?.username, 'kube');
  assert.equal(fromAuth?.password, 'pa:55');
  assert.equal(fromAuth?.serveraddress, 'r.example');
  assert.equal(registryAuth({ ...empty, username: 'u', password: 'p', auth: Buffer.from('x:y').toString('base64') })?.username, 'u');
  assert.equal(registryAuth({ ...empty, registry_token: 'tok' })?.registrytoken, 'tok');
});
