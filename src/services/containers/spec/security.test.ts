import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_DEVICE_RULES, DEFAULT_DEVICES, withDevices } from './devices.js';
import { context, emptySpec } from './fixture.js';
import { DEFAULT_SHM_SIZE, withDefaultMounts, withEtcMounts } from './mounts.js';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS, withMaskedPaths } from './security.js';

test('masked and read-only paths by default', () => {
  const spec = emptySpec();
  withMaskedPaths(spec, context());
  assert.deepEqual(spec.linux!.maskedPaths, DEFAULT_MASKED_PATHS);
  assert.deepEqual(spec.linux!.readonlyPaths, DEFAULT_READONLY_PATHS);
  assert.ok(spec.linux!.maskedPaths!.includes('/proc/kcore'));
  assert.ok(spec.linux!.readonlyPaths!.includes('/proc/sys'));
});

test('privileged has no masked or read-only paths', () => {
  const spec = emptySpec();
  withMaskedPaths(spec, context({}, { Privileged: true }));
  assert.deepEqual(spec.linux!.maskedPaths, []);
  assert.deepEqual(spec.linux!.readonlyPaths, []);
});

test('default devices: deny all first, then Docker allow list', () => {
  const spec = emptySpec();
  withDevices(spec, context());
  assert.deepEqual(spec.linux!.devices, DEFAULT_DEVICES);
  const rules = spec.linux!.resources!.devices!;
  assert.deepEqual(rules[0], { allow: false, type: 'a', access: 'rwm' });
  assert.deepEqual(rules, DEFAULT_DEVICE_RULES);
  assert.ok(rules.some((r) => r.allow && r.type === 'c' && r.major === 136 && r.minor === undefined));
  assert.ok(rules.some((r) => r.allow && r.type === 'b' && r.major === undefined && r.access === 'm'));
});

test('privileged allows every device', () => {
  const spec = emptySpec();
  withDevices(spec, context({}, { Privileged: true }));
  assert.deepEqual(spec.linux!.resources!.devices, [{ allow: true, type: 'a', access: 'rwm' }]);
});

test('default mounts, shm size, /sys read-only unless privileged', () => {
  const spec = emptySpec();
  withDefaultMounts(spec, context());
  const byDest = new Map(spec.mounts!.map((m) => [m.destination, m]));
  assert.deepEqual(
    [...byDest.keys()],
    ['/proc', '/dev', '/dev/pts', '/sys', '/sys/fs/cgroup', '/dev/mqueue', '/dev/shm'],
  );
  assert.ok(byDest.get('/dev/shm')!.options!.includes(`size=${DEFAULT_SHM_SIZE}`));
  assert.ok(byDest.get('/sys')!.options!.includes('ro'));
  assert.equal(byDest.get('/sys/fs/cgroup')!.type, 'cgroup');

  const big = emptySpec();
  withDefaultMounts(big, context({}, { ShmSize: 128 * 1024 * 1024, Privileged: true }));
  const shm = big.mounts!.find((m) => m.destination === '/dev/shm')!;
  assert.ok(shm.options!.includes('size=134217728'));
  assert.ok(!big.mounts!.find((m) => m.destination === '/sys')!.options!.includes('ro'));
});

test('etc files are rbind-mounted, read-only only with --read-only', () => {
  const spec = emptySpec();
  const ctx = context();
  withEtcMounts(spec, ctx);
  assert.deepEqual(spec.mounts!.map((m) => [m.source, m.destination]), [
    [ctx.record.Paths.HostnamePath, '/etc/hostname'],
    [ctx.record.Paths.HostsPath, '/etc/hosts'],
    [ctx.record.Paths.ResolvConfPath, '/etc/resolv.conf'],
  ]);
  assert.ok(spec.mounts!.every((m) => m.type === 'bind' && m.options!.join() === 'rbind,rprivate'));

  const ro = emptySpec();
  withEtcMounts(ro, context({}, { ReadonlyRootfs: true }));
  assert.ok(ro.mounts!.every((m) => m.options!.includes('ro')));
});
