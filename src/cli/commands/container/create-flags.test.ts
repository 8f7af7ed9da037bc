import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildCreateRequest, type CreateFlags } from './create-flags.js';
import { parseMountFlag } from './mount-flags.js';

const body = (flags: CreateFlags): ReturnType<typeof buildCreateRequest> => buildCreateRequest(flags, 'busybox', []);

test('several --network as the docker CLI sends them (API 1.44): the first is the mode, each gets its endpoint settings', () => {
  const b = body({ network: ['neta', 'name=netb,gw-priority=2,alias=x,alias=y,ip=10.0.0.5,mac-address=02:42:0a:00:00:ee'], networkAlias: ['first'] });
  assert.equal(b.HostConfig?.NetworkMode, 'neta');
  assert.deepEqual(b.NetworkingConfig?.EndpointsConfig, {
    neta: { Aliases: ['first'] },
    netb: { GwPriority: 2, Aliases: ['x', 'y'], IPAMConfig: { IPv4Address: '10.0.0.5' }, MacAddress: '02:42:0a:00:00:ee' },
  });
  // One network with nothing to say: no EndpointsConfig at all (the daemon makes it).
  assert.equal(body({ network: ['neta'] }).NetworkingConfig, undefined);
  assert.equal(body({}).HostConfig?.NetworkMode, 'default');
  const mac = body({ macAddress: '02:42:0a:00:00:01' });
  assert.deepEqual(mac.NetworkingConfig?.EndpointsConfig, { default: { MacAddress: '02:42:0a:00:00:01' } });
  assert.equal(mac.MacAddress, '02:42:0a:00:00:01');
});

test("the docker CLI's refusals of network combinations", () => {
  assert.throws(() => body({ network: ['host', 'neta'] }), /conflicting options: cannot attach both user-defined and non-user-defined network-modes/);
  assert.throws(() => body({ network: ['neta', 'neta'] }), /network "neta" is specified multiple times/);
  assert.throws(
    () => body({ network: ['name=neta,alias=a'], networkAlias: ['b'] }),
    /conflicting options: cannot specify both --network-alias and per-network alias/,
  );
  assert.throws(() => body({ network: ['name=neta,bogus=1'] }), /invalid field key bogus/);
  assert.throws(() => body({ network: ['name=neta,gw-priority=high'] }), /invalid gw-priority: high/);
});

test('--mount type=image, volume-subpath and bind-recursive; --health-start-interval', () => {
  assert.deepEqual(parseMountFlag('type=image,source=img,target=/i,image-subpath=a/b'), {
    Type: 'image',
    Source: 'img',
    Target: '/i',
    ImageOptions: { Subpath: 'a/b' },
  });
  assert.deepEqual(parseMountFlag('type=volume,source=v,target=/v,volume-subpath=s').VolumeOptions, { Subpath: 's' });
  assert.deepEqual(parseMountFlag('type=bind,source=/s,target=/t,readonly,bind-recursive=writable').BindOptions, { ReadOnlyNonRecursive: true });
  assert.deepEqual(parseMountFlag('type=bind,source=/s,target=/t,readonly,bind-recursive=readonly').BindOptions, { ReadOnlyForceRecursive: true });
  assert.deepEqual(parseMountFlag('type=bind,source=/s,target=/t,bind-recursive=disabled').BindOptions, { NonRecursive: true });
  assert.throws(() => parseMountFlag('type=bind,source=/s,target=/t,bind-recursive=maybe'), /invalid value for bind-recursive: maybe/);
  assert.throws(() => parseMountFlag('type=volume,source=v,target=/t,image-subpath=x'), /cannot mix 'image-\*' options with mount type 'volume'/);
  assert.deepEqual(body({ healthCmd: 'true', healthStartInterval: '2s', healthStartPeriod: '1m' }).Healthcheck, {
    Test: ['CMD-SHELL', 'true'],
    Interval: undefined,
    Timeout: undefined,
    StartPeriod: 60e9,
    StartInterval: 2e9,
    Retries: undefined,
  });
});
