import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gateConnect, gateCreate } from './create-gates.js';
import type { ContainerCreateRequest } from './types/containers.js';

const base = (): ContainerCreateRequest => ({ Image: 'busybox' });

test('fields a version did not have are dropped, or refused where dropping would change the request', () => {
  const hc = { Healthcheck: { Test: ['CMD', 'true'], StartInterval: 5e9 }, NetworkingConfig: { EndpointsConfig: { a: { GwPriority: 3 } } } };
  const at143 = { ...base(), ...structuredClone(hc) };
  gateCreate(at143, '1.43');
  assert.equal(at143.Healthcheck?.StartInterval, undefined);
  assert.equal(at143.NetworkingConfig?.EndpointsConfig?.a?.GwPriority, undefined);
  const at148 = { ...base(), ...structuredClone(hc) };
  gateCreate(at148, '1.48');
  assert.deepEqual([at148.Healthcheck?.StartInterval, at148.NetworkingConfig?.EndpointsConfig?.a?.GwPriority], [5e9, 3]);
  const unversioned = { ...base(), ...structuredClone(hc) };
  gateCreate(unversioned, '');
  assert.equal(unversioned.NetworkingConfig?.EndpointsConfig?.a?.GwPriority, 3, 'no version: the newest');

  const two = (): ContainerCreateRequest => ({ ...base(), NetworkingConfig: { EndpointsConfig: { a: {}, b: {} } } });
  assert.throws(() => gateCreate(two(), '1.43'), /^BerthError: Container cannot be connected to network endpoints: a, b$/);
  assert.doesNotThrow(() => gateCreate(two(), '1.44'));
  const image = (): ContainerCreateRequest => ({ ...base(), HostConfig: { Mounts: [{ Type: 'image', Source: 'x', Target: '/x' }] } });
  assert.throws(() => gateCreate(image(), '1.47'), /Mount type "Image" needs API v1.48 or newer/);
  assert.doesNotThrow(() => gateCreate(image(), '1.48'));
  const sub = (): ContainerCreateRequest => ({
    ...base(),
    HostConfig: { Mounts: [{ Type: 'volume', Source: 'v', Target: '/v', VolumeOptions: { Subpath: 's' } }] },
  });
  assert.throws(() => gateCreate(sub(), '1.44'), /VolumeOptions.Subpath needs API v1.45 or newer/);
  const bind = (bo: object): ContainerCreateRequest => ({ ...base(), HostConfig: { Mounts: [{ Type: 'bind', Source: '/s', Target: '/t', BindOptions: bo }] } });
  const old = bind({ CreateMountpoint: true, ReadOnlyNonRecursive: true });
  gateCreate(old, '1.41');
  assert.deepEqual(old.HostConfig?.Mounts?.[0]?.BindOptions, {});
  assert.throws(() => gateCreate(bind({ ReadOnlyForceRecursive: true }), '1.43'), /BindOptions.ReadOnlyForceRecursive needs API v1.44 or newer/);
});

test("the container-wide MacAddress: moved to the mode's endpoint, a warning from 1.44, a mismatch refused", () => {
  const before = { ...base(), MacAddress: '02:00:00:00:00:01', HostConfig: { NetworkMode: 'n' } };
  assert.deepEqual(gateCreate(before, '1.43'), []);
  assert.deepEqual([before.MacAddress, before.NetworkingConfig?.EndpointsConfig?.n?.MacAddress], [undefined, '02:00:00:00:00:01']);
  const now = { ...base(), MacAddress: '02:00:00:00:00:01' };
  assert.deepEqual(gateCreate(now, '1.44'), ['The container-wide MacAddress field is now deprecated. It should be specified in EndpointsConfig instead.']);
  assert.equal(now.NetworkingConfig?.EndpointsConfig?.default?.MacAddress, '02:00:00:00:00:01');
  const clash = { ...base(), MacAddress: '02:00:00:00:00:01', NetworkingConfig: { EndpointsConfig: { default: { MacAddress: '02:00:00:00:00:02' } } } };
  assert.throws(() => gateCreate(clash, '1.44'), /must match the endpoint-specific MAC address/);
  const elsewhere = { ...base(), MacAddress: '02:00:00:00:00:01', NetworkingConfig: { EndpointsConfig: { other: {} } } };
  assert.throws(() => gateCreate(elsewhere, '1.44'), /HostConfig.NetworkMode must match the identity of a network/);
  assert.throws(
    () => gateCreate({ ...base(), MacAddress: '02:00:00:00:00:01', HostConfig: { NetworkMode: 'host' } }, '1.43'),
    /conflicting options: mac-address and the network mode/,
  );
  const ignored = { ...base(), NetworkingConfig: { EndpointsConfig: { n: { MacAddress: '02:00:00:00:00:03' } } } };
  gateCreate(ignored, '1.43');
  assert.equal(ignored.NetworkingConfig.EndpointsConfig.n.MacAddress, undefined, 'before 1.44 an endpoint had no MacAddress');

  const connect = (): { Container: string; EndpointConfig: { MacAddress?: string; GwPriority?: number } } => ({
    Container: 'c',
    EndpointConfig: { MacAddress: '02:00:00:00:00:04', GwPriority: 2 },
  });
  const c153 = connect();
  gateConnect(c153, '1.53');
  assert.deepEqual(c153.EndpointConfig, { GwPriority: 2 });
  const c154 = connect();
  gateConnect(c154, '1.54');
  assert.deepEqual(c154.EndpointConfig, { MacAddress: '02:00:00:00:00:04', GwPriority: 2 });
});
