import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runProgram } from './clients.js';
import { startDaemon, type Daemon } from './harness.js';

// content/ is a plain OCI image layout: skopeo and umoci (Debian packages) read it as is.
describe('content store as an OCI image layout', () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon();
  });
  after(() => d?.stop());

  it('skopeo inspects an image by tag, umoci lists the tags', async () => {
    const layout = join(d.dataRoot, 'content');
    const inspect = JSON.parse((await d.berth(['image', 'inspect', 'busybox'])).stdout) as Array<{ RootFS: { Layers: string[] } }>;
    const sk = await runProgram('skopeo', ['inspect', `oci:${layout}:latest`], process.env);
    assert.equal(sk.code, 0, sk.stderr);
    const info = JSON.parse(sk.stdout) as { Layers: string[]; Os: string; Architecture: string };
    assert.deepEqual(info.Layers, inspect[0]!.RootFS.Layers);
    assert.equal(info.Os, 'linux');
    const ls = await runProgram('umoci', ['ls', '--layout', layout], process.env);
    assert.equal(ls.code, 0, ls.stderr);
    assert.equal(ls.stdout.trim(), 'latest');
  });
});
