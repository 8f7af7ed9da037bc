import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKind } from '../../../lib/errdefs.js';
import type { HostConfig } from '../../../core/containers.js';
import { CAPABILITY_BITS, DEFAULT_CAPABILITIES, capabilitiesInMask, capabilitiesOption, hostBoundingMask } from './capabilities.js';
import { context, emptySpec } from './fixture.js';
import type { SpecContext } from './types.js';

const FULL = (1n << 41n) - 1n; // CAP_CHOWN .. CAP_CHECKPOINT_RESTORE
const NO_SYS_RESOURCE = 0x1fffeffffffn; // this host's CapBnd: bit 24 missing

function caps(hc: HostConfig, mask = FULL, over: Partial<SpecContext> = {}) {
  const spec = emptySpec();
  capabilitiesOption(() => mask)(spec, context({}, hc, over));
  return spec.process!.capabilities!;
}

test('default set in bounding, effective and permitted; no inheritable or ambient', () => {
  const c = caps({});
  assert.deepEqual(c.bounding, DEFAULT_CAPABILITIES);
  assert.deepEqual(c.effective, DEFAULT_CAPABILITIES);
  assert.deepEqual(c.permitted, DEFAULT_CAPABILITIES);
  assert.deepEqual(c.inheritable, []);
  assert.deepEqual(c.ambient, []);
  assert.equal(c.bounding!.length, 14);
});

test('non-root users get the set as bounding only', () => {
  const c = caps({}, FULL, { user: { uid: 1000, gid: 1000, additionalGids: [1000], home: '/home/u' } });
  assert.deepEqual(c.bounding, DEFAULT_CAPABILITIES);
  assert.deepEqual(c.effective, []);
  assert.deepEqual(c.permitted, []);
});

test('cap-add and cap-drop accept any case, with or without CAP_', () => {
  const c = caps({ CapAdd: ['net_admin', 'CAP_SYS_PTRACE', 'Sys_Time'], CapDrop: ['chown', 'CAP_NET_RAW'] });
  assert.ok(c.bounding!.includes('CAP_NET_ADMIN'));
  assert.ok(c.bounding!.includes('CAP_SYS_PTRACE'));
  assert.ok(c.bounding!.includes('CAP_SYS_TIME'));
  assert.ok(!c.bounding!.includes('CAP_CHOWN'));
  assert.ok(!c.bounding!.includes('CAP_NET_RAW'));
  assert.equal(c.bounding!.length, 14 - 2 + 3);
});

test('adding a default capability does not duplicate it', () => {
  assert.deepEqual(caps({ CapAdd: ['CHOWN'] }).bounding, DEFAULT_CAPABILITIES);
});

test('cap-add ALL gives everything the host can grant minus cap-drop', () => {
  const c = caps({ CapAdd: ['all'], CapDrop: ['MKNOD'] }, NO_SYS_RESOURCE);
  assert.equal(c.bounding!.length, CAPABILITY_BITS.length - 2);
  assert.ok(!c.bounding!.includes('CAP_SYS_RESOURCE'));
  assert.ok(!c.bounding!.includes('CAP_MKNOD'));
  assert.ok(c.bounding!.includes('CAP_SYS_ADMIN'));
});

test('cap-drop ALL keeps only cap-add', () => {
  assert.deepEqual(caps({ CapDrop: ['ALL'], CapAdd: ['chown', 'kill'] }).bounding, ['CAP_CHOWN', 'CAP_KILL']);
  assert.deepEqual(caps({ CapDrop: ['ALL'] }).bounding, []);
});

test('unknown capability names are InvalidArgument in Docker words', () => {
  assert.throws(
    () => caps({ CapAdd: ['FOO'] }),
    (err) => isKind(err, 'InvalidArgument') && err.message === 'invalid CapAdd: unknown capability: "CAP_FOO"',
  );
  assert.throws(
    () => caps({ CapDrop: ['cap_bar'] }),
    (err) => isKind(err, 'InvalidArgument'),
  );
});

test('privileged gets every capability the host process has, never CAP_SYS_RESOURCE here', () => {
  const c = caps({ Privileged: true, CapDrop: ['ALL'] }, NO_SYS_RESOURCE);
  assert.equal(c.bounding!.length, 40);
  assert.ok(!c.bounding!.includes('CAP_SYS_RESOURCE'));
  assert.ok(c.bounding!.includes('CAP_SYS_ADMIN'));
  assert.ok(c.bounding!.includes('CAP_CHECKPOINT_RESTORE'));
  assert.deepEqual(c.effective, c.bounding);
  assert.deepEqual(caps({ Privileged: true }).bounding, CAPABILITY_BITS);
});

test('defaults the host lacks are left out; bits beyond the known names are ignored', () => {
  const mask = (FULL & ~(1n << 27n)) | (1n << 50n); // no CAP_MKNOD; an unknown future bit
  assert.ok(!caps({}, mask).bounding!.includes('CAP_MKNOD'));
  assert.equal(capabilitiesInMask(mask).length, 40);
});

test('the host mask is read from /proc/self/status once', () => {
  const mask = hostBoundingMask();
  assert.equal(typeof mask, 'bigint');
  assert.ok(capabilitiesInMask(mask).includes('CAP_KILL') || mask === 0n);
  assert.equal(hostBoundingMask(), mask);
});
