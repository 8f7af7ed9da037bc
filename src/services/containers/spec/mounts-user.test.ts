import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSpec } from './build.js';
import { context } from './fixture.js';
import { mergeTmpfsOptions, withUserMounts } from './mounts-user.js';

test('volumes and binds become rbind mounts after the defaults; --tmpfs replaces /dev/shm-like defaults', () => {
  const ctx = context({}, { Tmpfs: { '/tmp': 'size=1m', '/dev/shm': '' } });
  ctx.record.MountPoints = [
    { Type: 'bind', Source: '/srv/a', Destination: '/a/b', Mode: 'ro', RW: false, Propagation: 'rprivate' },
    { Type: 'volume', Name: 'v', Source: '/var/lib/berth/volumes/v/_data', Destination: '/a', Mode: 'z', RW: true, Propagation: '' },
  ];
  const spec = buildSpec(ctx);
  const dests = spec.mounts!.map((m) => m.destination);
  assert.equal(dests.filter((d) => d === '/dev/shm').length, 1);
  assert.ok(dests.indexOf('/a') < dests.indexOf('/a/b'));
  assert.deepEqual(
    spec.mounts!.find((m) => m.destination === '/a/b'),
    { destination: '/a/b', type: 'bind', source: '/srv/a', options: ['rbind', 'rprivate', 'ro', 'rro'] },
  );
  assert.deepEqual(spec.mounts!.find((m) => m.destination === '/tmp')!.options, ['noexec', 'nosuid', 'nodev', 'size=1m']);
  assert.equal(spec.linux!.rootfsPropagation, undefined);
});

test('read-only is recursive (rro) unless ReadOnlyNonRecursive or a propagating bind; image views and subpaths bind from under the bundle', () => {
  const ctx = context();
  ctx.record.MountPoints = [
    { Type: 'bind', Source: '/n', Destination: '/n', Mode: '', RW: false, Propagation: 'rprivate', ReadOnlyNonRecursive: true },
    { Type: 'bind', Source: '/s', Destination: '/s', Mode: '', RW: false, Propagation: 'rslave' },
    { Type: 'image', Source: 'busybox', Destination: '/i', Mode: '', RW: false, Propagation: 'rprivate' },
    { Type: 'volume', Name: 'v', Source: '/vol/_data', Destination: '/v', Mode: 'z', RW: true, Propagation: '', Subpath: 'a/b' },
  ];
  const spec = { ociVersion: '1.0.2', mounts: [], linux: {} } as Parameters<typeof withUserMounts>[0];
  withUserMounts(spec, ctx);
  const by = (d: string): unknown => spec.mounts!.find((m) => m.destination === d);
  const bundle = ctx.record.Paths.Bundle;
  assert.deepEqual(by('/n'), { destination: '/n', type: 'bind', source: '/n', options: ['rbind', 'rprivate', 'ro'] });
  assert.deepEqual(by('/s'), { destination: '/s', type: 'bind', source: '/s', options: ['rbind', 'rslave', 'ro'] });
  assert.deepEqual(by('/i'), { destination: '/i', type: 'bind', source: `${bundle}/mounts/image-2`, options: ['rbind', 'rprivate', 'ro', 'rro'] });
  assert.deepEqual(by('/v'), { destination: '/v', type: 'bind', source: `${bundle}/mounts/sub-3`, options: ['rbind', 'rprivate'] });
});

test('shared propagation makes the rootfs shared', () => {
  const ctx = context();
  ctx.record.MountPoints = [{ Type: 'bind', Source: '/x', Destination: '/x', Mode: '', RW: true, Propagation: 'rshared' }];
  const spec = { ociVersion: '1.0.2', mounts: [], linux: {} } as Parameters<typeof withUserMounts>[0];
  withUserMounts(spec, ctx);
  assert.equal(spec.linux!.rootfsPropagation, 'rshared');
});

test('tmpfs options merge by family, later wins', () => {
  assert.deepEqual(mergeTmpfsOptions(['noexec', 'nosuid', 'nodev', 'exec', 'size=1m', 'size=2m']), ['nosuid', 'nodev', 'exec', 'size=2m']);
});
