import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { baseSpec } from './build.js';
import { context } from './fixture.js';
import { initOption, INIT_PATH } from './init.js';

describe('spec: --init', () => {
  it('mounts the host init read-only and runs the command under it', () => {
    const ctx = context({}, { Init: true });
    const spec = baseSpec(ctx);
    spec.process!.args = ['sh', '-c', 'x'];
    initOption(() => '/usr/bin/tini-static')(spec, ctx);
    assert.deepEqual(spec.process!.args, [INIT_PATH, '--', 'sh', '-c', 'x']);
    assert.deepEqual(spec.mounts!.at(-1), {
      destination: INIT_PATH,
      type: 'bind',
      source: '/usr/bin/tini-static',
      options: ['rbind', 'ro', 'nosuid', 'nodev'],
    });
  });

  it('does nothing without Init; fails clearly without a host init', () => {
    const spec = baseSpec(context());
    initOption(() => '/x')(spec, context());
    assert.equal(spec.mounts!.length, 0);
    assert.throws(() => initOption(() => undefined)(baseSpec(context({}, { Init: true })), context({}, { Init: true })), /no init binary/);
  });
});
