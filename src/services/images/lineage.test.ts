import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Image } from '../../core/images.js';
import type { Digest } from '../../lib/digest.js';
import { childrenOf, imageAtStep, isAncestor, parentOf } from './lineage.js';

const d = (c: string): Digest => `sha256:${c.repeat(64)}`;
function image(id: string, layers: string[], steps: string[]): Image {
  return {
    id: d(id),
    names: [],
    manifestDigest: d('f'),
    size: 0,
    config: {
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: layers.map(d) },
      history: steps.map((s) => ({ created: '2026-01-01T00:00:00Z', created_by: s })),
    },
  };
}

test('ancestry follows layers and history prefixes', () => {
  const base = image('1', ['a'], ['import']);
  const mid = image('2', ['a', 'b'], ['import', 'run b']);
  const top = image('3', ['a', 'b', 'c'], ['import', 'run b', 'run c']);
  const other = image('4', ['a', 'b'], ['import', 'run other']);
  const all = [base, mid, top, other];
  assert.ok(isAncestor(base, top));
  assert.ok(!isAncestor(top, base));
  assert.ok(!isAncestor(other, top), 'same layers but a different step');
  assert.equal(parentOf(top, all)?.id, mid.id);
  assert.deepEqual(
    childrenOf(base, all).map((i) => i.id),
    [mid.id, other.id],
  );
  assert.equal(imageAtStep(top, 2, all)?.id, mid.id);
  assert.equal(imageAtStep(top, 3, all)?.id, top.id);
  assert.equal(imageAtStep(top, 2, [base, top]), undefined);
});
