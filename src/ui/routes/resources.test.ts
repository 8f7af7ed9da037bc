import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Image } from '../../core/images.js';
import { chainIds, type Digest } from '../../lib/digest.js';
import { layerTree } from './resources.js';

const d = (c: string): Digest => `sha256:${c.repeat(64)}` as Digest;
const image = (name: string, diffs: Digest[]): Image =>
  ({
    id: d(name[0]!),
    names: [name],
    manifestDigest: d('f'),
    size: 0,
    config: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: diffs } },
  }) as Image;

test('images that share bottom layers share the nodes of that prefix', () => {
  const base = image('base', [d('1')]);
  const app = image('app', [d('1'), d('2')]);
  const other = image('other', [d('3')]);
  const sizes = new Map([
    [d('1'), 100],
    [d('2'), 20],
    [d('3'), 7],
  ]);
  const tree = layerTree([app, base, other], sizes, (i) => i.names);
  const [c1, c12] = chainIds([d('1'), d('2')]);
  assert.deepEqual(tree, [
    { chainId: c1, size: 100, images: ['base'], children: [{ chainId: c12, size: 20, images: ['app'], children: [] }] },
    { chainId: chainIds([d('3')])[0], size: 7, images: ['other'], children: [] },
  ]);
});
