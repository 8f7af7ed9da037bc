import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKind } from '../../../core/errdefs.js';
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
  assert.throws(() => types('container:web'), (err) => isKind(err, 'NotImplemented'));
  const net = types('container:web', '/proc/42/ns/net').find((n) => n.type === 'network');
  assert.deepEqual(net, { type: 'network', path: '/proc/42/ns/net' });
});
