import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKind } from '../../../lib/errdefs.js';
import { context, emptySpec } from './fixture.js';
import { withNamespaces } from './namespaces.js';

const types = (networkMode: string | undefined, netnsPath?: string) => {
  const spec = emptySpec();
  withNamespaces(spec, context({}, { NetworkMode: networkMode }, netnsPath ? { netnsPath } : {}));
  return spec.linux!.namespaces!;
};

test('every mode but host gets a new network namespace; no cgroup namespace on v1', () => {
  for (const mode of ['default', 'bridge', 'none', '', undefined, 'mynet']) {
    const ns = types(mode);
    assert.deepEqual(ns.map((n) => n.type).sort(), ['ipc', 'mount', 'network', 'pid', 'uts'], String(mode));
    assert.ok(ns.every((n) => n.path === undefined));
  }
});

test('network host shares the host namespace but keeps UTS private', () => {
  const ns = types('host').map((n) => n.type);
  assert.ok(!ns.includes('network'));
  assert.ok(ns.includes('uts'));
});

test('a prepared netns is joined by path', () => {
  const net = types('bridge', '/run/berth/netns/abc').find((n) => n.type === 'network');
  assert.deepEqual(net, { type: 'network', path: '/run/berth/netns/abc' });
});

test('container:<id> joins the namespace the caller resolved, and needs one', () => {
  assert.throws(
    () => types('container:web'),
    (err) => isKind(err, 'NotImplemented'),
  );
  const net = types('container:web', '/proc/42/ns/net').find((n) => n.type === 'network');
  assert.deepEqual(net, { type: 'network', path: '/proc/42/ns/net' });
});

const spaces = (hostConfig: Parameters<typeof context>[1], over: Parameters<typeof context>[2] = {}) => {
  const spec = emptySpec();
  withNamespaces(spec, context({}, hostConfig, over));
  return spec;
};
const cgroupV2 = { daemon: { cgroupVersion: '2' as const, apparmor: false } };

test('--pid/--ipc host leave the namespace out; container:<x> joins the resolved path', () => {
  const host = spaces({ PidMode: 'host', IpcMode: 'host', UTSMode: 'host' }).linux!.namespaces!.map((n) => n.type);
  assert.deepEqual(host.sort(), ['mount', 'network']);
  const joined = spaces({ PidMode: 'container:db', IpcMode: 'container:db' }, { join: { pid: '/proc/7/ns/pid', ipc: '/proc/7/ns/ipc' } }).linux!.namespaces!;
  assert.deepEqual(
    joined.find((n) => n.type === 'pid'),
    { type: 'pid', path: '/proc/7/ns/pid' },
  );
  assert.deepEqual(
    joined.find((n) => n.type === 'ipc'),
    { type: 'ipc', path: '/proc/7/ns/ipc' },
  );
  assert.throws(
    () => spaces({ PidMode: 'container:db' }),
    (err) => isKind(err, 'NotImplemented'),
  );
});

test('namespaces joined by path (the pins of a pod): network, uts, ipc and pid instead of new ones; host modes still win', () => {
  const join = { network: '/run/berth/cri/netns/p', uts: '/run/berth/cri/p/uts', ipc: '/run/berth/cri/p/ipc', pid: '/proc/9/ns/pid' };
  const ns = spaces({ NetworkMode: 'none', IpcMode: 'private' }, { join }).linux!.namespaces!;
  assert.deepEqual(
    ns.find((n) => n.type === 'network'),
    { type: 'network', path: join.network },
  );
  assert.deepEqual(
    ns.find((n) => n.type === 'uts'),
    { type: 'uts', path: join.uts },
  );
  assert.deepEqual(
    ns.find((n) => n.type === 'ipc'),
    { type: 'ipc', path: join.ipc },
  );
  assert.deepEqual(
    ns.find((n) => n.type === 'pid'),
    { type: 'pid', path: join.pid },
  );
  assert.ok(ns.find((n) => n.type === 'mount')!.path === undefined);
  const host = spaces({ NetworkMode: 'host', UTSMode: 'host', PidMode: 'host', IpcMode: 'host' }, { join: { ipc: join.ipc } }).linux!.namespaces!;
  assert.deepEqual(
    host.map((n) => n.type),
    ['mount'],
  );
});

test('cgroup namespace: private by default on v2, host on v1, as asked otherwise', () => {
  const has = (s: ReturnType<typeof spaces>) => s.linux!.namespaces!.some((n) => n.type === 'cgroup');
  assert.equal(has(spaces({})), false);
  assert.equal(has(spaces({}, cgroupV2)), true);
  assert.equal(has(spaces({ CgroupnsMode: 'private' })), true);
  assert.equal(has(spaces({ CgroupnsMode: 'host' }, cgroupV2)), false);
});

test('userns-remap: a user namespace with the maps (joined by path when given); --userns=host opts out', () => {
  const remap = {
    key: '100000.100000',
    uidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
    gidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
  };
  const daemon = { cgroupVersion: '1' as const, apparmor: false, remap };
  const s = spaces({}, { daemon });
  assert.deepEqual(
    s.linux!.namespaces!.find((n) => n.type === 'user'),
    { type: 'user' },
  );
  assert.deepEqual(s.linux!.uidMappings, remap.uidMappings);
  assert.deepEqual(s.linux!.gidMappings, remap.gidMappings);
  const joined = spaces({}, { daemon, usernsPath: '/run/berth/netns/abc.userns' });
  assert.deepEqual(
    joined.linux!.namespaces!.find((n) => n.type === 'user'),
    { type: 'user', path: '/run/berth/netns/abc.userns' },
  );
  const opted = spaces({ UsernsMode: 'host' }, { daemon });
  assert.ok(!opted.linux!.namespaces!.some((n) => n.type === 'user'));
  assert.equal(opted.linux!.uidMappings, undefined);
});
