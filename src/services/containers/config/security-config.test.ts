import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKind, notFound } from '../../../lib/errdefs.js';
import type { HostConfig } from '../../../core/containers.js';
import { checkSecurityConfig, securityInfo } from './security-config.js';
import { DEFAULT_MASKED_PATHS } from '../spec/security.js';
import type { DaemonSecurity } from '../spec/types.js';

const v1: DaemonSecurity = { cgroupVersion: '1', apparmor: false };
const remap: DaemonSecurity = {
  ...v1,
  remap: { key: '1.1', uidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }], gidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }] },
};
const exists = (ref: string) => {
  if (ref !== 'db') throw notFound(`No such container: ${ref}`);
};
const check = (hc: HostConfig, daemon = v1) => checkSecurityConfig(hc, daemon, exists);
const message = (hc: HostConfig, daemon = v1): string => {
  try {
    check(hc, daemon);
  } catch (err) {
    return (err as Error).message;
  }
  return '';
};

test("fills Docker's recorded defaults", () => {
  const hc = check({ NetworkMode: 'bridge' });
  assert.equal(hc.IpcMode, 'private');
  assert.equal(hc.CgroupnsMode, 'host');
  assert.equal(check({}, { ...v1, cgroupVersion: '2' }).CgroupnsMode, 'private');
  assert.deepEqual(hc.MaskedPaths, DEFAULT_MASKED_PATHS);
  assert.ok(hc.ReadonlyPaths!.includes('/proc/sys'));
  assert.equal(check({ Privileged: true }).MaskedPaths, undefined, 'privileged records no paths');
  assert.deepEqual(check({ SecurityOpt: ['systempaths=unconfined'] }).MaskedPaths, []);
});

test('invalid modes, capabilities, sysctls and devices are refused', () => {
  assert.equal(message({ PidMode: 'x' }), 'invalid PID mode: x');
  assert.equal(message({ IpcMode: 'container:' }), 'invalid IPC mode: container:');
  assert.equal(message({ UTSMode: 'private' }), 'invalid UTS mode: private');
  assert.equal(message({ UsernsMode: 'private' }), 'invalid USER mode: private');
  assert.equal(message({ CgroupnsMode: 'x' }), 'invalid cgroup namespace mode: x');
  assert.match(message({ CapDrop: ['bogus'] }), /unknown capability: "CAP_BOGUS"/);
  assert.equal(message({ Sysctls: { 'vm.swappiness': '1' } }), "sysctl 'vm.swappiness' is not allowed");
  assert.equal(message({ IpcMode: 'host', Sysctls: { 'kernel.shmmax': '1' } }), "sysctl 'kernel.shmmax' is not allowed in host ipc namespace");
  assert.equal(message({ Sysctls: { 'net.core.somaxconn': '1', 'fs.mqueue.msg_max': '1', 'kernel.sem': '1 2 3 4' } }), '');
  assert.match(message({ Devices: [{ PathOnHost: 'dev/null', PathInContainer: '/dev/x', CgroupPermissions: 'rwm' }] }), /absolute path/);
  assert.match(message({ Devices: [{ PathOnHost: '/dev/null', PathInContainer: '/dev/x', CgroupPermissions: 'rwx' }] }), /invalid device cgroup permissions/);
  assert.equal(message({ PidMode: 'container:db' }), '');
  assert.throws(
    () => check({ PidMode: 'container:nope' }),
    (err) => isKind(err, 'NotFound'),
  );
});

test('userns-remap refuses what needs the host user namespace, unless --userns=host', () => {
  assert.match(message({ Privileged: true }, remap), /^privileged mode is incompatible with user namespaces/);
  assert.equal(message({ NetworkMode: 'host' }, remap), "cannot share the host's network namespace when user namespaces are enabled");
  assert.equal(message({ PidMode: 'host' }, remap), 'cannot share the host PID namespace when user namespaces are enabled');
  assert.equal(message({ Privileged: true, PidMode: 'host', UsernsMode: 'host' }, remap), '');
});

test("info: Docker's SecurityOptions, and a warning for what this host cannot apply", () => {
  assert.deepEqual(securityInfo(v1, { apparmor: false, selinux: false }).options, ['name=seccomp,profile=builtin']);
  assert.deepEqual(securityInfo({ ...remap, cgroupVersion: '2' }, { apparmor: true, selinux: false }).options, [
    'name=apparmor',
    'name=seccomp,profile=builtin',
    'name=userns',
    'name=cgroupns',
  ]);
  assert.equal(securityInfo(v1, { apparmor: false, selinux: false }).warnings.length, 2);
});

test('info names only what is applied: no seccomp without kernel filters, never selinux (berth applies no labels)', () => {
  const bare = securityInfo({ ...v1, seccomp: false }, { apparmor: false, selinux: true });
  assert.deepEqual(bare.options, []);
  assert.ok(bare.warnings.some((w) => /seccomp is not enabled/.test(w)));
  assert.ok(bare.warnings.some((w) => /applies no SELinux labels/.test(w)));
  assert.deepEqual(securityInfo({ ...v1, seccomp: true }, { apparmor: false, selinux: false }).options, ['name=seccomp,profile=builtin']);
  assert.match(
    message({ SecurityOpt: ['seccomp={"defaultAction":"SCMP_ACT_ALLOW"}'] }, { ...v1, seccomp: false }),
    /seccomp is not enabled in your kernel, cannot run a custom seccomp profile/,
  );
});
