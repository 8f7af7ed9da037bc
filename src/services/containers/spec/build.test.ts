import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSpec, defaultOptions } from './build.js';
import { capabilitiesOption, withCapabilities } from './capabilities.js';
import { ID, context } from './fixture.js';

test('a full spec from the default options', () => {
  const ctx = context({ Tty: true, Domainname: 'example.org' }, { ReadonlyRootfs: true, Memory: 64 * 1024 * 1024 });
  const options = defaultOptions.map((o) => (o === withCapabilities ? capabilitiesOption(() => 0x1fffeffffffn) : o));
  const spec = buildSpec(ctx, options);
  assert.equal(spec.ociVersion, '1.0.2');
  assert.deepEqual(spec.root, { path: ctx.rootfs, readonly: true });
  assert.equal(spec.hostname, 'c0ffee000000');
  assert.equal(spec.domainname, 'example.org');
  assert.equal(spec.process!.terminal, true);
  assert.equal(spec.process!.capabilities!.bounding!.length, 14);
  assert.equal(spec.linux!.cgroupsPath, `/berth/${ID}`);
  assert.equal(spec.linux!.resources!.memory!.limit, 64 * 1024 * 1024);
  assert.equal(spec.linux!.resources!.devices![0]!.allow, false);
  assert.equal(spec.mounts!.length, 10);
  assert.equal(spec.mounts!.at(-1)!.destination, '/etc/resolv.conf');
  assert.equal(spec.linux!.namespaces!.length, 5);
  assert.ok(spec.linux!.maskedPaths!.length > 0);
  // config.json is JSON.stringify(spec): nothing may be lost on the way.
  assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec);
});

test('the default options run against the real host', () => {
  const spec = buildSpec(context({}, { Privileged: true }));
  assert.ok(spec.process!.capabilities!.bounding!.length > 0);
});
