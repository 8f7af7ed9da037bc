import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, type ApiResponse, type Daemon } from './harness.js';

type Json = Record<string, unknown>;
const obj = (r: ApiResponse): Json => r.json as Json;

/**
 * Raw requests on both sides of every version boundary berth gates (src/api/versions.ts): the field
 * or behaviour is there from its version and not one version below, as Docker answers.
 */
describe('API versions: the window and every boundary', () => {
  let d: Daemon;
  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse> => d.api(method, path, body, headers);
  const ok = async (method: string, path: string, body?: unknown): Promise<ApiResponse> => {
    const r = await api(method, path, body);
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.body}\n${d.log().slice(-2000)}`);
    return r;
  };
  before(async () => {
    d = await startDaemon();
  });
  after(() => d?.stop());

  it('serves 1.24 to 1.56 and refuses outside it with Docker’s messages', async () => {
    const v = await ok('GET', '/version');
    assert.equal(obj(v).ApiVersion, '1.56');
    assert.equal(obj(v).MinAPIVersion, '1.24');
    assert.equal(v.headers['api-version'], '1.56');
    for (const version of ['1.24', '1.41', '1.44', '1.52', '1.56']) assert.equal((await api('GET', `/v${version}/_ping`)).status, 200, version);
    const tooNew = await api('GET', '/v1.57/version');
    assert.equal(tooNew.status, 400);
    assert.equal(obj(tooNew).message, 'client version 1.57 is too new. Maximum supported API version is 1.56');
    const tooOld = await api('GET', '/v1.23/version');
    assert.equal(tooOld.status, 400);
    assert.equal(obj(tooOld).message, 'client version 1.23 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version');
  });

  it('/info: fields added and removed at 1.42, 1.44, 1.47, 1.49 and 1.50', async () => {
    const info = async (v: string): Promise<Json> => obj(await ok('GET', `/v${v}/info`));
    const i141 = await info('1.41');
    assert.equal(i141.KernelMemoryTCP, false);
    assert.ok(!('KernelMemoryTCP' in (await info('1.42'))));
    assert.ok(!('CDISpecDirs' in (await info('1.43'))));
    assert.deepEqual((await info('1.44')).CDISpecDirs, []);
    const reg = (i: Json): Json => i.RegistryConfig as Json;
    assert.equal(reg(await info('1.46')).AllowNondistributableArtifactsCIDRs, null);
    assert.ok(!('AllowNondistributableArtifactsCIDRs' in reg(await info('1.47'))));
    const i148 = await info('1.48');
    assert.ok(!('FirewallBackend' in i148));
    assert.equal((i148.RuncCommit as Json).Expected, (i148.RuncCommit as Json).ID);
    const i149 = await info('1.49');
    assert.deepEqual(i149.FirewallBackend, { Driver: 'iptables' });
    assert.ok(!('Expected' in (i149.RuncCommit as Json)));
    assert.equal(i149.BridgeNfIptables, false);
    const i150 = await info('1.50');
    assert.ok(!('BridgeNfIptables' in i150) && !('BridgeNfIp6tables' in i150));
    for (const field of ['DiscoveredDevices', 'Containerd', 'NRI']) assert.ok(!(field in (await info('1.56'))), `${field}: berth has none`);
  });

  it('the docker CLI 28.2 with no override negotiates its own newest version, 1.50', async () => {
    const r = await d.docker(['version', '--format', '{{.Client.APIVersion}} {{.Server.APIVersion}} {{.Server.MinAPIVersion}}']);
    assert.equal(r.stdout.trim(), '1.50 1.56 1.24', r.stderr);
  });

  it('container inspect and list: aliases, DNSNames, legacy NetworkSettings, KernelMemory, OnBuild, Health', async () => {
    await ok('POST', '/v1.44/networks/create', { Name: 'vnet' });
    const created = await ok('POST', '/v1.44/containers/create?name=vc', {
      Image: 'busybox',
      Cmd: ['sleep', '300'],
      Healthcheck: { Test: ['CMD', 'true'], Interval: 1_000_000_000 },
      HostConfig: { NetworkMode: 'vnet' },
      NetworkingConfig: { EndpointsConfig: { vnet: { Aliases: ['web'] } } },
    });
    const id = obj(created).Id as string;
    await ok('POST', `/v1.44/containers/${id}/start`);
    const ep = async (v: string): Promise<Json> => ((obj(await ok('GET', `/v${v}/containers/vc/json`)).NetworkSettings as Json).Networks as Json).vnet as Json;
    assert.deepEqual((await ep('1.44')).Aliases, ['web', id.slice(0, 12)]);
    assert.deepEqual((await ep('1.44')).DNSNames, ['vc', 'web', id.slice(0, 12)]);
    assert.deepEqual((await ep('1.45')).Aliases, ['web']);
    assert.ok(!('DNSNames' in (await ep('1.43'))));
    const inspect = async (v: string): Promise<Json> => obj(await ok('GET', `/v${v}/containers/vc/json`));
    const ns = (i: Json): Json => i.NetworkSettings as Json;
    assert.ok('IPAddress' in ns(await inspect('1.51')) && 'Bridge' in ns(await inspect('1.51')));
    for (const gone of ['IPAddress', 'Gateway', 'MacAddress', 'EndpointID', 'Bridge', 'HairpinMode', 'SecondaryIPAddresses']) {
      assert.ok(!(gone in ns(await inspect('1.52'))), gone);
    }
    assert.ok('Networks' in ns(await inspect('1.52')) && 'Ports' in ns(await inspect('1.52')));
    const hc = (i: Json): Json => i.HostConfig as Json;
    assert.equal(hc(await inspect('1.41')).KernelMemory, 0);
    assert.ok(!('KernelMemory' in hc(await inspect('1.42'))) && !('KernelMemoryTCP' in hc(await inspect('1.42'))));
    assert.equal(((await inspect('1.51')).Config as Json).OnBuild, null);
    assert.ok(!('OnBuild' in ((await inspect('1.52')).Config as Json)));
    const first = async (v: string): Promise<Json> => ((await ok('GET', `/v${v}/containers/json`)).json as Json[])[0]!;
    assert.ok(!('Health' in (await first('1.51'))));
    const health = (await first('1.52')).Health as Json;
    assert.match(String(health.Status), /^(starting|healthy)$/);
    assert.equal(typeof health.FailingStreak, 'number');
    await ok('DELETE', '/containers/vc?force=1');
  });

  it('create: what each version may ask (several networks 1.44, Subpath 1.45, image mounts 1.48, empty port bindings 1.52/1.53)', async () => {
    await ok('POST', '/networks/create', { Name: 'vnet2' });
    const two = await api('POST', '/v1.43/containers/create', {
      Image: 'busybox',
      HostConfig: { NetworkMode: 'vnet' },
      NetworkingConfig: { EndpointsConfig: { vnet: {}, vnet2: {} } },
    });
    assert.equal(two.status, 400);
    assert.match(String(obj(two).message), /^Container cannot be connected to network endpoints: (vnet, vnet2|vnet2, vnet)$/);
    const rofr = await api('POST', '/v1.43/containers/create', {
      Image: 'busybox',
      HostConfig: { Mounts: [{ Type: 'bind', Source: '/tmp', Target: '/x', ReadOnly: true, BindOptions: { ReadOnlyForceRecursive: true } }] },
    });
    assert.deepEqual([rofr.status, obj(rofr).message], [400, 'BindOptions.ReadOnlyForceRecursive needs API v1.44 or newer']);
    const sub = await api('POST', '/v1.44/containers/create', {
      Image: 'busybox',
      HostConfig: { Mounts: [{ Type: 'volume', Source: 'v', Target: '/x', VolumeOptions: { Subpath: 'a' } }] },
    });
    assert.deepEqual([sub.status, obj(sub).message], [400, 'VolumeOptions.Subpath needs API v1.45 or newer']);
    const image = await api('POST', '/v1.47/containers/create', {
      Image: 'busybox',
      HostConfig: { Mounts: [{ Type: 'image', Source: 'busybox', Target: '/x' }] },
    });
    assert.deepEqual([image.status, obj(image).message], [400, 'Mount type "Image" needs API v1.48 or newer']);
    const bindWithVolumeOptions = {
      Image: 'busybox',
      HostConfig: { Mounts: [{ Type: 'bind', Source: '/tmp', Target: '/x', VolumeOptions: { NoCopy: true } }] },
    };
    const dropped = await api('POST', '/v1.41/containers/create', bindWithVolumeOptions);
    assert.equal(dropped.status, 201, `dropped below 1.42: ${dropped.body}`);
    const mismatch = await api('POST', '/v1.42/containers/create', bindWithVolumeOptions);
    assert.deepEqual([mismatch.status, obj(mismatch).message], [400, 'VolumeOptions must not be specified on mount type "bind"']);
    const kmem = { Image: 'busybox', HostConfig: { KernelMemory: 4194304 } };
    const kmem141 = await api('POST', '/v1.41/containers/create', kmem);
    assert.deepEqual([kmem141.status, obj(kmem141).message], [400, 'HostConfig.KernelMemory is not supported by berth']);
    const kmem142 = await api('POST', '/v1.42/containers/create', kmem);
    assert.equal(kmem142.status, 201, `ignored from 1.42: ${kmem142.body}`);
    const ktcp = { Image: 'busybox', HostConfig: { KernelMemoryTCP: 4194304 } };
    assert.equal((await api('POST', '/v1.51/containers/create', ktcp)).status, 400);
    assert.equal((await api('POST', '/v1.52/containers/create', ktcp)).status, 201, 'ignored from 1.52');
    const hc = { Image: 'busybox', Healthcheck: { Test: ['CMD', 'true'], StartInterval: 2_000_000_000 } };
    for (const [v, want] of [
      ['1.43', undefined],
      ['1.44', 2_000_000_000],
    ] as const) {
      const id = obj(await ok('POST', `/v${v}/containers/create`, hc)).Id as string;
      assert.equal(((obj(await ok('GET', `/containers/${id}/json`)).Config as Json).Healthcheck as Json).StartInterval, want, v);
    }
    const warn = 'Following container port(s) have an empty list of port-bindings: 80/tcp. Starting with API 1.53, such bindings will be discarded.';
    const withEmpty = { Image: 'busybox', ExposedPorts: { '80/tcp': {} }, HostConfig: { PortBindings: { '80/tcp': [] } } };
    assert.deepEqual(obj(await ok('POST', '/v1.52/containers/create', withEmpty)).Warnings, [warn]);
    for (const v of ['1.51', '1.53']) assert.deepEqual(obj(await ok('POST', `/v${v}/containers/create?name=pb${v.slice(2)}`, withEmpty)).Warnings, [], v);
    const bindings = async (name: string): Promise<unknown> => (obj(await ok('GET', `/containers/${name}/json`)).HostConfig as Json).PortBindings;
    assert.deepEqual(await bindings('pb51'), { '80/tcp': [{ HostIp: '', HostPort: '' }] });
    assert.deepEqual(await bindings('pb53'), {});
  });

  it('logs: raw-stream below 1.42, multiplexed-stream from it (non-TTY)', async () => {
    await ok('POST', '/containers/create?name=lg', { Image: 'busybox', Cmd: ['echo', 'hi'] });
    await ok('POST', '/containers/lg/start');
    await ok('POST', '/containers/lg/wait');
    assert.equal((await ok('GET', '/v1.41/containers/lg/logs?stdout=1')).headers['content-type'], 'application/vnd.docker.raw-stream');
    assert.equal((await ok('GET', '/v1.42/containers/lg/logs?stdout=1')).headers['content-type'], 'application/vnd.docker.multiplexed-stream');
  });

  it('events: status/id/from up to 1.51, gone from 1.52; image create events from 1.46; json-seq on request', async () => {
    const until = Math.ceil(Date.now() / 1000) + 1;
    await new Promise((r) => setTimeout(r, 1100));
    const events = async (v: string, headers?: Record<string, string>): Promise<ApiResponse> =>
      api('GET', `/v${v}/events?since=1&until=${until}&filters=${encodeURIComponent('{"type":["container"]}')}`, undefined, headers);
    const lines = (r: ApiResponse): Json[] =>
      r.body
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Json);
    const old = lines(await events('1.51'));
    assert.ok(old.length > 0);
    for (const e of old) assert.deepEqual([e.status, e.id], [e.Action, (e.Actor as Json).ID]);
    assert.ok(old.every((e) => 'from' in e));
    const now = lines(await events('1.52'));
    assert.equal(now.length, old.length);
    for (const e of now) assert.ok(!('status' in e) && !('id' in e) && !('from' in e));
    const seq = await events('1.52', { Accept: 'application/json-seq' });
    assert.equal(seq.headers['content-type'], 'application/json-seq');
    assert.ok(seq.body.startsWith('\x1e{'));
    assert.equal((await events('1.52')).headers['content-type'], 'application/json');
  });

  it('networks: EnableIPv4 from 1.48, Status from 1.52, a duplicate name is a 409 whatever CheckDuplicate says', async () => {
    await ok('POST', '/containers/create?name=nc', { Image: 'busybox', Cmd: ['sleep', '300'], HostConfig: { NetworkMode: 'vnet' } });
    await ok('POST', '/containers/nc/start');
    const inspect = async (v: string): Promise<Json> => obj(await ok('GET', `/v${v}/networks/vnet`));
    assert.ok(!('EnableIPv4' in (await inspect('1.47'))));
    assert.equal((await inspect('1.48')).EnableIPv4, true);
    assert.ok(!('Status' in (await inspect('1.51'))));
    const n = await inspect('1.52');
    const subnet = ((n.IPAM as Json).Config as Json[])[0]!.Subnet as string;
    const size = 2 ** (32 - Number(subnet.split('/')[1]));
    assert.deepEqual(n.Status, { IPAM: { Subnets: { [subnet]: { IPsInUse: 4, DynamicIPsAvailable: size - 4 } } } });
    const list = (await ok('GET', '/v1.52/networks')).json as Json[];
    assert.ok(
      list.every((x) => !('Status' in x)),
      'Status is inspect only',
    );
    for (const v of ['1.41', '1.44']) {
      const dup = await api('POST', `/v${v}/networks/create`, { Name: 'vnet', CheckDuplicate: false });
      assert.deepEqual([dup.status, obj(dup).message], [409, 'network with name vnet already exists'], v);
    }
    const raw = await ok('POST', '/networks/create', { Name: 'noipamopts' });
    const plain = obj(await ok('GET', `/networks/${obj(raw).Id as string}`));
    assert.equal((plain.IPAM as Json).Options, null);
    assert.deepEqual(plain.Options, {});
    await ok('DELETE', '/containers/nc?force=1');
  });

  it('volume prune: every unused volume below 1.42, anonymous ones only from it', async () => {
    await ok('POST', '/volumes/create', { Name: 'named1' });
    await ok('POST', '/v1.42/volumes/prune');
    assert.equal((await api('GET', '/volumes/named1')).status, 200);
    const r = await ok('POST', '/v1.41/volumes/prune');
    assert.ok((obj(r).VolumesDeleted as string[]).includes('named1'));
  });

  it('system df: BuilderSize below 1.42; `type` from 1.42; usage summaries and `verbose` from 1.52', async () => {
    assert.ok('BuilderSize' in obj(await ok('GET', '/v1.41/system/df')));
    const df = obj(await ok('GET', '/v1.42/system/df?type=volume'));
    assert.deepEqual(Object.keys(df), ['Volumes']);
    assert.ok('Images' in obj(await ok('GET', '/v1.41/system/df?type=volume')), 'type is ignored below 1.42');
    const bad = await api('GET', '/v1.42/system/df?type=nope');
    assert.deepEqual([bad.status, obj(bad).message], [400, 'unknown object type: nope']);
    assert.ok(!('ImagesUsage' in obj(await ok('GET', '/v1.51/system/df'))));
    const df152 = obj(await ok('GET', '/v1.52/system/df'));
    assert.equal((df152.ImagesUsage as Json).TotalImages, 1);
    assert.ok(!('Items' in (df152.ImagesUsage as Json)) && Array.isArray(df152.Images), 'summaries beside the legacy lists');
    const verbose = obj(await ok('GET', '/v1.52/system/df?verbose=1'));
    assert.ok(!('Images' in verbose) && !('LayersSize' in verbose), 'no legacy lists with verbose');
    assert.equal(((verbose.ImagesUsage as Json).Items as unknown[]).length, 1);
    const badVerbose = await api('GET', '/v1.52/system/df?verbose=maybe');
    assert.deepEqual([badVerbose.status, obj(badVerbose).message], [400, 'invalid value for verbose: maybe']);
  });

  it('image list: Containers is -1 below 1.51, the count from it', async () => {
    const containers = async (v: string): Promise<number[]> => ((await ok('GET', `/v${v}/images/json`)).json as Json[]).map((i) => i.Containers as number);
    assert.deepEqual(await containers('1.50'), [-1]);
    assert.ok((await containers('1.51'))[0]! > 0);
  });

  it('stats: os_type from 1.52', async () => {
    const stats = async (v: string): Promise<Json> => obj(await ok('GET', `/v${v}/containers/lg/stats?stream=0&one-shot=1`));
    assert.ok(!('os_type' in (await stats('1.51'))));
    assert.equal((await stats('1.52')).os_type, 'linux');
  });

  it('prune: `stream=true` is refused from 1.56 (berth answers only the single report), ignored below', async () => {
    const r = await api('POST', '/v1.56/containers/prune?stream=true');
    assert.deepEqual([r.status, obj(r).message], [501, 'streaming prune results (stream=true) is not supported by berth']);
    assert.ok('ContainersDeleted' in obj(await ok('POST', '/v1.55/containers/prune?stream=true')));
  });

  it('plugins: none installed, as Docker without any', async () => {
    assert.deepEqual((await ok('GET', '/v1.56/plugins')).json, []);
    for (const [method, path] of [
      ['GET', '/plugins/foo/json'],
      ['DELETE', '/plugins/foo'],
      ['POST', '/plugins/foo/enable'],
      ['POST', '/plugins/foo/disable'],
    ] as const) {
      const r = await api(method, path);
      assert.deepEqual([r.status, obj(r).message], [404, 'plugin "foo" not found'], `${method} ${path}`);
    }
  });
});
