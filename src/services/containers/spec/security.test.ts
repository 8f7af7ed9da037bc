import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_DEVICE_RULES, DEFAULT_DEVICES, withDevices } from './devices.js';
import { context, emptySpec } from './fixture.js';
import { DEFAULT_SHM_SIZE, withDefaultMounts, withEtcMounts } from './mounts.js';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS, withMaskedPaths, withProcessSecurity, withSysctls } from './security.js';

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
  assert.deepEqual([...byDest.keys()], ['/proc', '/dev', '/dev/pts', '/sys', '/sys/fs/cgroup', '/dev/mqueue', '/dev/shm']);
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
  assert.deepEqual(
    spec.mounts!.map((m) => [m.source, m.destination]),
    [
      [ctx.record.Paths.HostnamePath, '/etc/hostname'],
      [ctx.record.Paths.HostsPath, '/etc/hosts'],
      [ctx.record.Paths.ResolvConfPath, '/etc/resolv.conf'],
    ],
  );
  assert.ok(spec.mounts!.every((m) => m.type === 'bind' && m.options!.join() === 'rbind,rprivate'));

  const ro = emptySpec();
  withEtcMounts(ro, context({}, { ReadonlyRootfs: true }));
  assert.ok(ro.mounts!.every((m) => m.options!.includes('ro')));
});

test('--device nodes join the defaults with their cgroup permissions; privileged allows all', () => {
  const lc = { path: '/dev/lc', type: 'c' as const, major: 10, minor: 237, fileMode: 0o600, uid: 0, gid: 0 };
  const spec = emptySpec();
  withDevices(spec, context({}, {}, { devices: [{ device: lc, permissions: 'r' }] }));
  assert.deepEqual(spec.linux!.devices!.at(-1), lc);
  assert.deepEqual(spec.linux!.resources!.devices!.at(-1), { allow: true, type: 'c', major: 10, minor: 237, access: 'r' });
  const priv = emptySpec();
  withDevices(priv, context({}, { Privileged: true }, { devices: [{ device: lc, permissions: 'rwm' }] }));
  assert.deepEqual(priv.linux!.resources!.devices, [{ allow: true, type: 'a', access: 'rwm' }]);
  assert.ok(priv.linux!.devices!.some((d) => d.path === '/dev/lc'));
});

test("sysctls: Docker's per-netns defaults, the user's on top; none for the host network", () => {
  const spec = emptySpec();
  withSysctls(spec, context({}, { Sysctls: { 'net.ipv4.ip_forward': '1', 'net.ipv4.ping_group_range': '1 1' } }));
  assert.deepEqual(spec.linux!.sysctl, { 'net.ipv4.ip_unprivileged_port_start': '0', 'net.ipv4.ping_group_range': '1 1', 'net.ipv4.ip_forward': '1' });
  const host = emptySpec();
  withSysctls(host, context({}, { NetworkMode: 'host' }));
  assert.equal(host.linux?.sysctl, undefined);
  const remapped = emptySpec();
  const remap = { key: 'k', uidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }], gidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }] };
  withSysctls(remapped, context({}, {}, { daemon: { cgroupVersion: '1', apparmor: false, remap } }));
  assert.equal(remapped.linux!.sysctl!['net.ipv4.ping_group_range'], '0 65535', 'only gids mapped in the user namespace');
});

test('no-new-privileges and AppArmor (only where the host enforces it) reach the process', () => {
  const spec = emptySpec();
  withProcessSecurity(spec, context({}, { SecurityOpt: ['no-new-privileges', 'apparmor=my-profile'] }));
  assert.equal(spec.process!.noNewPrivileges, true);
  assert.equal(spec.process!.apparmorProfile, undefined);
  const aa = emptySpec();
  withProcessSecurity(aa, context({}, { SecurityOpt: ['apparmor=my-profile'] }, { daemon: { cgroupVersion: '1', apparmor: true } }));
  assert.equal(aa.process!.apparmorProfile, 'my-profile');
});

test('record paths win: [] for systempaths=unconfined', () => {
  const spec = emptySpec();
  withMaskedPaths(spec, context({}, { MaskedPaths: [], ReadonlyPaths: ['/proc/sys'] }));
  assert.deepEqual(spec.linux!.maskedPaths, []);
  assert.deepEqual(spec.linux!.readonlyPaths, ['/proc/sys']);
});

test('/dev/shm by IPC mode: none has none; host and container:<x> bind the resolved source', () => {
  const shm = (hc: Parameters<typeof context>[1], over: Parameters<typeof context>[2] = {}) => {
    const spec = emptySpec();
    withDefaultMounts(spec, context({}, hc, over));
    return spec.mounts!.find((m) => m.destination === '/dev/shm');
  };
  assert.equal(shm({ IpcMode: 'private' })!.type, 'tmpfs');
  assert.equal(shm({ IpcMode: 'none' }), undefined);
  assert.deepEqual(shm({ IpcMode: 'host' }), { destination: '/dev/shm', type: 'bind', source: '/dev/shm', options: ['rbind', 'rprivate'] });
  assert.equal(shm({ IpcMode: 'container:db' }, { shmSource: '/var/lib/berth/containers/db/shm' })!.source, '/var/lib/berth/containers/db/shm');
  assert.equal(shm({ IpcMode: 'shareable' }, { shmSource: '/x/shm' })!.source, '/x/shm');
});
