import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Image, ImageStore } from '../../core/images.js';
import type { Digest } from '../../lib/digest.js';
import { listImages } from './list.js';

const d = (c: string): Digest => `sha256:${c.repeat(64)}`;
function image(id: string, layers: string[], names: string[], created: string, labels?: Record<string, string>): Image {
  return {
    id: d(id),
    names,
    manifestDigest: d('f'),
    size: 0,
    config: {
      architecture: 'amd64',
      os: 'linux',
      created,
      config: { Labels: labels ?? null },
      rootfs: { type: 'layers', diff_ids: layers.map(d) },
      history: layers.map((l) => ({ created: '2026-01-01T00:00:00Z', created_by: l })),
    },
  };
}

const base = image('1', ['a'], ['docker.io/library/base:latest'], '2026-01-01T00:00:00Z');
const mid = image('2', ['a', 'b'], [], '2026-01-02T00:00:00Z');
const top = image('3', ['a', 'b', 'c'], ['docker.io/library/top:1'], '2026-01-03T00:00:00Z', { k: 'v' });
const loose = image('4', ['x'], [], '2026-01-04T00:00:00Z');
const store = {
  list: () => [base, mid, top, loose],
  resolve: (r: string) => [base, mid, top, loose].find((i) => i.names.some((n) => n.includes(r))),
} as unknown as ImageStore;
const ids = (imgs: Image[]): string[] => imgs.map((i) => i.id.slice(7, 8));

test('intermediate images are hidden without all; dangling leaves are shown', () => {
  assert.deepEqual(ids(listImages({ images: store }, { all: false, filters: new Map() })), ['4', '3', '1']);
  assert.deepEqual(ids(listImages({ images: store }, { all: true, filters: new Map() })), ['4', '3', '2', '1']);
  assert.deepEqual(ids(listImages({ images: store }, { all: false, filters: new Map([['dangling', ['true']]]) })), ['4', '2']);
});

test('before, since, label and reference filters', () => {
  const f = (k: string, v: string): Map<string, string[]> => new Map([[k, [v]]]);
  assert.deepEqual(ids(listImages({ images: store }, { all: true, filters: f('before', 'top') })), ['2', '1']);
  assert.deepEqual(ids(listImages({ images: store }, { all: true, filters: f('since', 'base') })), ['4', '3', '2']);
  assert.deepEqual(ids(listImages({ images: store }, { all: true, filters: f('label', 'k=v') })), ['3']);
  assert.deepEqual(ids(listImages({ images: store }, { all: true, filters: f('reference', 't*:1') })), ['3']);
  assert.throws(() => listImages({ images: store }, { all: true, filters: f('before', 'nope') }), /No such image: nope/);
});
