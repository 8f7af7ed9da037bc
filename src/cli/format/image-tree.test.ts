import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageSummary } from '../../api/types/images.js';
import { layerTree } from '../../lib/layer-tree.js';
import { renderLayers, renderTree, treeRows } from './image-tree.js';

// Expected outputs are the docker CLI 28.2's own (`docker image ls --tree`, off a terminal)
// against berthd for the same images.
const H = (s: string): string => `\x1b[39m\x1b[1m${s}\x1b[0m`;
const PREFIX = "WARNING: This is an experimental feature. The output may change and shouldn't be depended on.\n" + ' '.repeat(62) + 'Info ->  U In Use \n\n';

function image(id: string, manifest: string, names: string[], created: number, containers: string[]): ImageSummary {
  return {
    Id: `sha256:${id.padEnd(64, '0')}`,
    ParentId: '',
    RepoTags: names,
    RepoDigests: [],
    Created: created,
    Size: 2_140_000,
    SharedSize: -1,
    Labels: null,
    Containers: -1,
    Manifests: [
      {
        ID: `sha256:${manifest.padEnd(64, '0')}`,
        Descriptor: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${manifest.padEnd(64, '0')}`, size: 400 },
        Available: true,
        Size: { Total: 4_280_000 + (containers.length ? 0 : 10_000), Content: 2_140_000 },
        Kind: 'image',
        ImageData: { Platform: { os: 'linux', architecture: 'amd64' }, Containers: containers, Size: { Unpacked: 2_140_000 } },
      },
    ],
  };
}

test('two images, one with two names and a container: newest first, names on their own lines', () => {
  const rows = treeRows([
    image('45e36ebe850b', '7be26b92dfdb', ['busybox:latest', 'bb2:v2'], 100, ['c1']),
    image('e94ff3ac8a81', 'ecc74700a270', ['snap:1'], 200, []),
  ]);
  assert.equal(
    renderTree(rows),
    PREFIX +
      `${H('IMAGE')}                ${H('ID')}             ${H('DISK USAGE')}   ${H('CONTENT SIZE')}   ${H('EXTRA')}\n` +
      'snap:1               e94ff3ac8a81       2.14MB         2.14MB        \n' +
      '└─ linux/amd64       ecc74700a270       4.29MB         2.14MB        \n' +
      '\n' +
      'busybox:latest\n' +
      'bb2:v2               45e36ebe850b       2.14MB         2.14MB   U    \n' +
      '└─ linux/amd64       7be26b92dfdb       4.28MB         2.14MB   U    \n' +
      '\n',
  );
});

test('an untagged image; a name wider than the column widens it to what 80 columns leave', () => {
  const untagged = renderTree(treeRows([image('e94ff3ac8a81', 'ecc74700a270', [], 200, [])]));
  assert.match(untagged, /\n<untagged> {11}e94ff3ac8a81 {7}2\.14MB {9}2\.14MB {8}\n└─ linux\/amd64 /);
  const long = renderTree(
    treeRows([image('45e36ebe850b', '7be26b92dfdb', ['a-very-very-long-repository-name-that-goes-on/and/on/and/on:tag', 'snap:1'], 1, ['c'])]),
  );
  assert.equal(
    long,
    PREFIX +
      `${H('IMAGE')}                           ${H('ID')}             ${H('DISK USAGE')}   ${H('CONTENT SIZE')}   ${H('EXTRA')}\n` +
      'a-very-very-long-repository-name-that-goes-on/and/on/and/on:tag\n' +
      'snap:1                          45e36ebe850b       2.14MB         2.14MB   U    \n' +
      '└─ linux/amd64                  7be26b92dfdb       4.28MB         2.14MB   U    \n' +
      '\n',
  );
});

test('no images: the header alone, the first column as wide as its title', () => {
  assert.equal(renderTree([]), PREFIX + `${H('IMAGE')}   ${H('ID')}             ${H('DISK USAGE')}   ${H('CONTENT SIZE')}   ${H('EXTRA')}\n`);
});

test('--layers: images built on the same layers hang under the nodes they share', () => {
  const d = (c: string): `sha256:${string}` => `sha256:${c.repeat(64)}`;
  const roots = layerTree([
    { diffIds: [d('a')], sizes: [2_140_000], names: ['busybox:latest'] },
    { diffIds: [d('a'), d('b')], sizes: [2_140_000, 12], names: ['app:1'] },
    { diffIds: [d('a'), d('c')], sizes: [2_140_000, 3000], names: ['app:2', 'app:latest'] },
  ]);
  const lines = renderLayers(roots).split('\n');
  assert.equal(lines[0], 'LAYERS (images built on the same layers share them)');
  assert.match(lines[1]!, /^└─ [0-9a-f]{12} {5}2\.14MB {3}busybox:latest$/);
  assert.match(lines[2]!, /^ {3}├─ [0-9a-f]{12} {8}12B {3}app:1$/);
  assert.match(lines[3]!, /^ {3}└─ [0-9a-f]{12} {8}3kB {3}app:2, app:latest$/);
});
