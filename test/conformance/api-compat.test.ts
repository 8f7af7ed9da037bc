/**
 * What an API client gets for what berth does not implement: Docker's own answer (swarm, plugins)
 * or a 501/400 naming the endpoint or field — and docs/api-compat.md, generated from the router,
 * is current and leaves no v1.41 endpoint unanswered.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ROOT, runProgram } from '../e2e/clients.js';
import { startDaemon, type Daemon } from '../e2e/harness.js';

describe('API compatibility: unimplemented endpoints and fields', () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  it('docs/api-compat.md is generated from the router and current', async () => {
    const r = await runProgram(process.execPath, [join(ROOT, 'scripts', 'api-compat.mjs'), '--check'], process.env);
    assert.equal(r.code, 0, r.stderr);
    const { render } = (await import(pathToFileURL(join(ROOT, 'scripts', 'api-compat.mjs')).href)) as { render: () => Promise<{ missing: string[] }> };
    assert.deepEqual((await render()).missing, [], 'v1.41 endpoints berthd answers with "page not found"');
  });

  it('swarm endpoints answer as Docker outside a swarm', async () => {
    for (const [method, path] of [
      ['GET', '/v1.41/swarm'],
      ['GET', '/nodes'],
      ['GET', '/v1.41/services'],
      ['POST', '/v1.41/services/create'],
      ['GET', '/tasks'],
      ['GET', '/secrets'],
      ['GET', '/configs/x'],
    ] as const) {
      const r = await d.api(method, path, method === 'POST' ? {} : undefined);
      assert.equal(r.status, 503, `${method} ${path}`);
      assert.match((r.json as { message: string }).message, /^This node is not a swarm manager\. Use "docker swarm init"/);
    }
    const leave = await d.api('POST', '/v1.41/swarm/leave');
    assert.deepEqual([leave.status, leave.json], [503, { message: 'This node is not part of a swarm' }]);
    const init = await d.api('POST', '/v1.41/swarm/init', {});
    assert.deepEqual([init.status, init.json], [501, { message: 'swarm mode is not supported by berth (POST /swarm/init)' }]);
  });

  it('plugins: none installed; installing one is not implemented', async () => {
    const list = await d.api('GET', '/v1.41/plugins');
    assert.deepEqual([list.status, list.json], [200, []]);
    const one = await d.api('GET', '/v1.41/plugins/vieux%2Fsshfs/json');
    assert.deepEqual([one.status, one.json], [404, { message: 'plugin "vieux/sshfs" not found' }]);
    const pull = await d.api('POST', '/v1.41/plugins/pull?remote=vieux/sshfs', []);
    assert.deepEqual([pull.status, pull.json], [501, { message: 'plugins is not supported by berth (POST /plugins/pull)' }]);
  });

  it('search and attach over a websocket get 501 naming the endpoint', async () => {
    for (const [method, path, endpoint] of [
      ['GET', '/v1.41/images/search?term=busybox', 'GET /images/search'],
      ['GET', '/v1.41/containers/x/attach/ws', 'GET /containers/{id}/attach/ws'],
    ] as const) {
      const r = await d.api(method, path);
      assert.equal(r.status, 501, `${method} ${path}: ${r.body}`);
      assert.ok((r.json as { message: string }).message.endsWith(`is not supported by berth (${endpoint})`), r.body);
    }
  });

  it('BuildKit endpoints without an h2c upgrade are refused in dockerd words', async () => {
    for (const path of ['/grpc', '/session']) {
      const r = await d.api('POST', path);
      assert.deepEqual([r.status, r.json], [400, { message: 'no upgrade proto in request' }], path);
    }
  });

  it('unknown paths are 404 page not found, as Docker', async () => {
    const r = await d.api('GET', '/v1.41/no/such/thing');
    assert.deepEqual([r.status, r.json], [404, { message: 'page not found' }]);
  });

  it('a create that sets a HostConfig field berth does not implement is refused, naming the field', async () => {
    const r = await d.api('POST', '/v1.41/containers/create?name=linked', { Image: 'busybox', Cmd: ['true'], HostConfig: { StorageOpt: { size: '10G' } } });
    assert.deepEqual([r.status, r.json], [400, { message: 'HostConfig.StorageOpt is not supported by berth' }]);
    const gpu = await d.api('POST', '/v1.41/containers/create', {
      Image: 'busybox',
      HostConfig: { DeviceRequests: [{ Driver: 'nvidia', Count: -1, Capabilities: [['gpu']] }] },
    });
    assert.deepEqual([gpu.status, gpu.json], [400, { message: 'HostConfig.DeviceRequests is not supported by berth' }]);
    assert.equal((await d.api('GET', '/v1.41/containers/linked/json')).status, 404, 'nothing was created');
    // The unset values the docker CLI always sends are accepted.
    const ok = await d.api('POST', '/v1.41/containers/create', {
      Image: 'busybox',
      Cmd: ['true'],
      HostConfig: { Links: null, MemorySwappiness: -1, KernelMemory: 0, BlkioWeightDevice: [], Isolation: '', VolumeDriver: '' },
    });
    assert.equal(ok.status, 201, ok.body);
  });
});
