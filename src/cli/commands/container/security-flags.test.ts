import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { effectiveCapFlags, parseDevice, parseSecurityOpts, securityRequest } from './security-flags.js';

test('--device as docker parses it', () => {
  assert.deepEqual(parseDevice('/dev/fuse'), { PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' });
  assert.deepEqual(parseDevice('/dev/fuse:r'), { PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'r' });
  assert.deepEqual(parseDevice('/dev/sda:/dev/xvdc:rm'), { PathOnHost: '/dev/sda', PathInContainer: '/dev/xvdc', CgroupPermissions: 'rm' });
  assert.throws(() => parseDevice('/dev/sda:/dev/xvdc:rwx'), /bad mode specified: rwx/);
  assert.throws(() => parseDevice('/a:/b:r:w'), /invalid device specification/);
});

test('capabilities are normalized; ALL wins; an added one is not dropped', () => {
  assert.deepEqual(effectiveCapFlags(['net_admin', 'CAP_SYS_TIME', 'NET_ADMIN'], ['chown', 'cap_net_admin']), {
    CapAdd: ['CAP_NET_ADMIN', 'CAP_SYS_TIME'],
    CapDrop: ['CAP_CHOWN'],
  });
  assert.deepEqual(effectiveCapFlags(['all', 'chown'], undefined), { CapAdd: ['ALL'], CapDrop: null });
  assert.deepEqual(effectiveCapFlags(undefined, undefined), { CapAdd: null, CapDrop: null });
});

test('--security-opt: a seccomp file is sent as its compact JSON; systempaths=unconfined clears the paths', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-seccomp-'));
  try {
    const file = join(dir, 'p.json');
    await writeFile(file, '{\n  "defaultAction": "SCMP_ACT_ALLOW"\n}\n');
    assert.deepEqual(parseSecurityOpts([`seccomp=${file}`, 'no-new-privileges', 'seccomp=unconfined']).securityOpt, [
      'seccomp={"defaultAction":"SCMP_ACT_ALLOW"}',
      'no-new-privileges',
      'seccomp=unconfined',
    ]);
    assert.throws(() => parseSecurityOpts([`seccomp=${join(dir, 'nope.json')}`]), /opening seccomp profile .* no such file or directory/);
    assert.throws(() => parseSecurityOpts(['apparmor']), /Invalid --security-opt: "apparmor"/);
    const hc = securityRequest({ securityOpt: ['systempaths=unconfined'] });
    assert.deepEqual([hc.MaskedPaths, hc.ReadonlyPaths, hc.SecurityOpt], [[], [], null]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("namespace modes and sysctls are checked before sending, in docker's words", () => {
  assert.throws(() => securityRequest({ pid: 'container:' }), /^InvalidArgumentError: --pid: invalid PID mode$|--pid: invalid PID mode/);
  assert.throws(() => securityRequest({ uts: 'private' }), /--uts: invalid UTS mode/);
  assert.throws(() => securityRequest({ userns: 'private' }), /--userns: invalid USER mode/);
  assert.throws(() => securityRequest({ cgroupns: 'x' }), /--cgroupns: invalid CGROUP mode/);
  assert.throws(() => securityRequest({ sysctl: ['kernel.panic=1'] }), /sysctl 'kernel.panic=1' is not allowed/);
  assert.deepEqual(securityRequest({ sysctl: ['net.ipv4.ip_forward=1', 'kernel.shmmax=5'] }).Sysctls, { 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '5' });
  assert.equal(securityRequest({ pid: 'host', ipc: 'shareable' }).IpcMode, 'shareable');
});
