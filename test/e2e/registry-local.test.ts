import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, type Daemon } from './harness.js';
import { makeCerts, startRegistry, type TestRegistry } from './registry-util.js';

type Json = Record<string, unknown>;

// Local registries need no configuration, as in Docker: loopback is insecure by default (https
// without verification first, then plain http). Daemons here have no `insecure-registries`.
describe('local registries out of the box; distribution inspect', () => {
  let tmp: string;
  let plain: TestRegistry;
  let tls: TestRegistry;
  let d1: Daemon;
  let d2: Daemon;
  const stops: Array<() => Promise<void>> = [];
  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'berth-localreg-'));
    plain = await startRegistry(join(tmp, 'plain'));
    stops.push(() => plain.stop());
    const certs = join(tmp, 'certs');
    await mkdir(certs);
    makeCerts(certs);
    tls = await startRegistry(join(tmp, 'tls'), { tls: certs });
    stops.push(() => tls.stop());
    d1 = await startDaemon();
    stops.push(() => d1.stop());
    d2 = await startDaemon({ noBusybox: true });
    stops.push(() => d2.stop());
  });
  after(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await rm(tmp, { recursive: true, force: true });
  });

  const port = (r: TestRegistry): string => r.host.split(':')[1]!;

  it('docker push localhost:PORT/app and pull it back over plain HTTP with no daemon configuration', async () => {
    const app = `localhost:${port(plain)}/app`;
    assert.equal((await d1.docker(['tag', 'busybox', app])).code, 0);
    const pushed = await d1.docker(['push', app], { timeoutMs: 60_000 });
    assert.equal(pushed.code, 0, pushed.stderr + d1.log().slice(-2000));
    assert.match(pushed.stdout, /latest: digest: sha256:[0-9a-f]{64} size: \d+/);
    const pulled = await d2.docker(['pull', app], { timeoutMs: 60_000 });
    assert.equal(pulled.code, 0, pulled.stderr + d2.log().slice(-2000));
    assert.match(pulled.stdout, new RegExp(`Status: Downloaded newer image for ${app}:latest`));
    assert.equal((await d2.berth(['run', '--rm', app, 'echo', 'from localhost'])).stdout.trim(), 'from localhost');
    // 127.0.0.0/8 the same way, through the berth CLI.
    const byIp = `127.0.0.1:${port(plain)}/other/app:v1`;
    assert.equal((await d1.berth(['tag', 'busybox', byIp])).code, 0);
    assert.equal((await d1.berth(['push', byIp], { timeoutMs: 60_000 })).code, 0);
    assert.equal((await d2.berth(['pull', byIp], { timeoutMs: 60_000 })).code, 0);
  });

  it('a loopback registry speaking https with a certificate nobody trusts is used without verification', async () => {
    const app = `127.0.0.1:${port(tls)}/secure/app:1`;
    await d1.berth(['tag', 'busybox', app]);
    const pushed = await d1.docker(['push', app], { timeoutMs: 60_000 });
    assert.equal(pushed.code, 0, pushed.stderr + d1.log().slice(-2000));
    const pulled = await d2.docker(['pull', app], { timeoutMs: 60_000 });
    assert.equal(pulled.code, 0, pulled.stderr);
  });

  it('GET /distribution/{name}/json: descriptor and platforms from the registry, Docker errors', async () => {
    const name = `localhost:${port(plain)}/app`;
    const r = await d2.api('GET', `/distribution/${name}/json`);
    assert.equal(r.status, 200, r.body);
    const info = r.json as { Descriptor: Json; Platforms: Json[] };
    const digest = ((await d2.api('GET', `/images/${name}/json`)).json as { Descriptor: Json }).Descriptor.digest;
    assert.deepEqual(Object.keys(info.Descriptor).sort(), ['digest', 'mediaType', 'size']);
    assert.equal(info.Descriptor.digest, digest, 'the pushed manifest, as the local Descriptor names it');
    assert.match(info.Descriptor.mediaType as string, /manifest/);
    assert.deepEqual(info.Platforms, [{ architecture: 'amd64', os: 'linux' }]);
    const byDigest = await d2.api('GET', `/distribution/${name}@${digest}/json`);
    assert.equal(byDigest.status, 200);
    assert.deepEqual((byDigest.json as Json).Descriptor, info.Descriptor);

    const missing = await d2.api('GET', `/distribution/${name}:nope/json`);
    assert.equal(missing.status, 404);
    assert.match((missing.json as Json).message as string, /manifest unknown/);
    const id = await d2.api('GET', `/distribution/${'a'.repeat(64)}/json`);
    assert.equal(id.status, 400);
    assert.equal((id.json as Json).message, 'no manifest found for full image ID');
    const bad = await d2.api('GET', '/distribution/Bad%20Name/json');
    assert.equal(bad.status, 400);
  });
});
