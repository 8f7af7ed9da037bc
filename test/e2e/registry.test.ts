import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, type Daemon } from './harness.js';
import { makeCerts, startFakeRegistry, startHangingServer, startRegistry, startTokenServer, type TestRegistry } from './registry-util.js';

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/**
 * Content for the fake registry: `multi/app:latest` is an OCI index (arm64 first, then amd64),
 * `bad/app:latest` a manifest whose layer blob is served with the wrong bytes.
 */
async function fakeContent(): Promise<{ routes: Map<string, { body: Buffer; type: string }>; badLayer: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-fake-layer-'));
  try {
    const image = async (text: string): Promise<{ gz: Buffer; config: Buffer; manifest: Buffer }> => {
      await writeFile(join(dir, 'hello.txt'), text);
      const tar = execFileSync('tar', ['-C', dir, '-cf', '-', 'hello.txt']);
      const gz = gzipSync(tar);
      const config = Buffer.from(
        JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Cmd: ['/bin/sh'] }, rootfs: { type: 'layers', diff_ids: [sha(tar)] } }),
      );
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
          layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(gz), size: gz.length }],
        }),
      );
      return { gz, config, manifest };
    };
    const good = await image('hello from amd64\n');
    const bad = await image('this layer arrives corrupted\n');
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: `sha256:${'1'.repeat(64)}`,
            size: 10,
            platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
          },
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: sha(good.manifest),
            size: good.manifest.length,
            platform: { os: 'linux', architecture: 'amd64' },
          },
        ],
      }),
    );
    const corrupt = Buffer.from(bad.gz);
    corrupt[corrupt.length - 5]! ^= 0xff;
    const oci = 'application/vnd.oci.image.manifest.v1+json';
    const bin = 'application/octet-stream';
    const routes = new Map([
      ['/v2/multi/app/manifests/latest', { body: index, type: 'application/vnd.oci.image.index.v1+json' }],
      [`/v2/multi/app/manifests/${sha(good.manifest)}`, { body: good.manifest, type: oci }],
      [`/v2/multi/app/blobs/${sha(good.config)}`, { body: good.config, type: bin }],
      [`/v2/multi/app/blobs/${sha(good.gz)}`, { body: good.gz, type: bin }],
      ['/v2/bad/app/manifests/latest', { body: bad.manifest, type: oci }],
      [`/v2/bad/app/blobs/${sha(bad.config)}`, { body: bad.config, type: bin }],
      [`/v2/bad/app/blobs/${sha(bad.gz)}`, { body: corrupt, type: bin }],
    ]);
    return { routes, badLayer: sha(bad.gz) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('registries: push, pull, login', () => {
  let tmp: string;
  let plain: TestRegistry;
  let secure: TestRegistry;
  let hung: TestRegistry;
  let fake: Awaited<ReturnType<typeof startFakeRegistry>>;
  let badLayer: string;
  let tokenReg: TestRegistry;
  let tokens: Awaited<ReturnType<typeof startTokenServer>>;
  let d1: Daemon;
  let d2: Daemon;
  const stops: Array<() => Promise<void>> = [];

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'berth-registry-'));
    const tls = join(tmp, 'tls');
    await mkdir(tls);
    makeCerts(tls);
    const htpasswd = join(tmp, 'htpasswd');
    await writeFile(htpasswd, execFileSync('htpasswd', ['-Bbn', 'alice', 's3cret']).toString());
    plain = await startRegistry(join(tmp, 'plain'));
    stops.push(() => plain.stop());
    secure = await startRegistry(join(tmp, 'secure'), { tls, htpasswd });
    stops.push(() => secure.stop());
    const tokenDir = join(tmp, 'token');
    await mkdir(tokenDir);
    tokens = await startTokenServer(tokenDir, 'bob', 'hunter2', 'berth-test-issuer');
    stops.push(() => tokens.stop());
    tokenReg = await startRegistry(join(tmp, 'tokenreg'), {
      token: { realm: tokens.realm, service: 'berth-test', issuer: 'berth-test-issuer', rootcertbundle: tokens.cert },
    });
    stops.push(() => tokenReg.stop());
    const content = await fakeContent();
    badLayer = content.badLayer;
    fake = await startFakeRegistry(content.routes);
    stops.push(() => fake.stop());
    hung = await startHangingServer();
    stops.push(() => hung.stop());
    const certsDir = join(tmp, 'certs.d');
    await mkdir(join(certsDir, secure.host), { recursive: true });
    await writeFile(join(certsDir, secure.host, 'ca.crt'), await readFile(join(tls, 'ca.crt')));
    const daemonJson = join(tmp, 'daemon.json');
    await writeFile(
      daemonJson,
      JSON.stringify({
        'insecure-registries': [plain.host, hung.host, tokenReg.host, fake.host],
        'registry-certs-dir': certsDir,
        'registry-timeout': 2,
        'registry-chunk-size': 256 * 1024,
      }),
    );
    d1 = await startDaemon({ args: ['--config-file', daemonJson] });
    stops.push(() => d1.stop());
    d2 = await startDaemon({ args: ['--config-file', daemonJson], noBusybox: true });
    stops.push(() => d2.stop());
  });
  after(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await rm(tmp, { recursive: true, force: true });
  });

  const ok = async (d: Daemon, args: string[], input?: string): Promise<string> => {
    const r = await d.berth(args, { timeoutMs: 60_000, ...(input !== undefined ? { input } : {}) });
    assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}\n${r.stdout}\n${d.log().slice(-2000)}`);
    return r.stdout;
  };

  it('pushes over plain HTTP (insecure-registries): chunked uploads, existence checks, cross-repo mount', async () => {
    await ok(d1, ['tag', 'busybox', `${plain.host}/test/bb:v1`]);
    await ok(d1, ['tag', 'busybox', `${plain.host}/test/bb:v2`]);
    const out = await ok(d1, ['push', `${plain.host}/test/bb:v1`]);
    assert.match(out, new RegExp(`The push refers to repository \\[${plain.host}/test/bb\\]`));
    assert.match(out, /: Pushed/);
    assert.match(out, /v1: digest: sha256:[0-9a-f]{64} size: \d+/);
    // The pushed manifest's digest is one of the image's RepoDigests (what `docker inspect --format '{{index .RepoDigests 0}}'` pins).
    const pushed = /v1: digest: (sha256:[0-9a-f]{64})/.exec(out)![1]!;
    const repoDigests = JSON.parse(await ok(d1, ['inspect', '-f', '{{json .RepoDigests}}', `${plain.host}/test/bb:v1`])) as string[];
    assert.ok(repoDigests.includes(`${plain.host}/test/bb@${pushed}`), JSON.stringify(repoDigests));
    assert.match(await ok(d1, ['push', `${plain.host}/test/bb:v1`]), /Layer already exists/);
    await ok(d1, ['tag', 'busybox', `${plain.host}/other/bb:latest`]);
    assert.match(await ok(d1, ['push', `${plain.host}/other/bb`]), /Mounted from test\/bb/);
    const all = await ok(d1, ['push', '-a', `${plain.host}/test/bb`]);
    assert.match(all, /v1: digest/);
    assert.match(all, /v2: digest/);
  });

  it('pulls back into a fresh data root (concurrent pulls share downloads) and runs it', async () => {
    const [a, b] = await Promise.all([
      d2.berth(['pull', `${plain.host}/test/bb:v1`], { timeoutMs: 60_000 }),
      d2.berth(['pull', `${plain.host}/other/bb`], { timeoutMs: 60_000 }),
    ]);
    assert.equal(a.code, 0, a.stderr + d2.log());
    assert.equal(b.code, 0, b.stderr + d2.log());
    assert.match(a.stdout, /Pulling from test\/bb/);
    assert.match(a.stdout, /Pull complete|Already exists/);
    assert.match(a.stdout, /Digest: sha256:[0-9a-f]{64}/);
    assert.match(a.stdout, new RegExp(`Status: Downloaded newer image for ${plain.host}/test/bb:v1`));
    assert.match(a.stdout, new RegExp(`^${plain.host}/test/bb:v1$`, 'm'));
    const id1 = (await ok(d1, ['inspect', '-f', '{{.Id}}', 'busybox'])).trim();
    const id2 = (await ok(d2, ['inspect', '-f', '{{.Id}}', `${plain.host}/test/bb:v1`])).trim();
    assert.equal(id2, id1, 'the image ID (config digest) survives the round trip');
    assert.equal((await ok(d2, ['run', '--rm', `${plain.host}/test/bb:v1`, 'echo', 'pulled'])).trim(), 'pulled');
    assert.match(await ok(d2, ['pull', `${plain.host}/test/bb:v1`]), /Status: Image is up to date/);
    assert.equal((await ok(d2, ['pull', '-q', `${plain.host}/test/bb:v2`])).trim(), `${plain.host}/test/bb:v2`);
    const digest = /Digest: (sha256:[0-9a-f]{64})/.exec(a.stdout)![1]!;
    // A pull by tag records the digest the registry gave for it: RepoDigests, `images --digests`.
    // (other/bb, pulled at the same time, is the same image: both repositories' digests, sorted as dockerd sorts references.)
    assert.deepEqual(JSON.parse(await ok(d2, ['inspect', '-f', '{{json .RepoDigests}}', `${plain.host}/test/bb:v1`])), [
      `${plain.host}/other/bb@${digest}`,
      `${plain.host}/test/bb@${digest}`,
    ]);
    const rows = await ok(d2, ['images', '--digests', '--format', '{{.Repository}} {{.Tag}} {{.Digest}}', `${plain.host}/test/bb`]);
    assert.match(rows, new RegExp(`^${plain.host}/test/bb v1 ${digest}$`, 'm'));
    const cli = await d2.docker(['images', '--digests', '--format', '{{.Repository}} {{.Tag}} {{.Digest}}', `${plain.host}/test/bb`]);
    assert.match(cli.stdout, new RegExp(`^${plain.host}/test/bb v1 ${digest}$`, 'm'), cli.stderr);
    const byDigest = await ok(d2, ['pull', `${plain.host}/test/bb@${digest}`]);
    assert.match(byDigest, new RegExp(`^${plain.host}/test/bb@${digest}$`, 'm'));
    assert.equal((await ok(d2, ['inspect', '-f', '{{.Id}}', `${plain.host}/test/bb@${digest}`])).trim(), id1);
  });

  it('pull -a fetches every tag; the docker CLI pulls through berthd too', async () => {
    await ok(d2, ['rmi', `${plain.host}/test/bb:v2`]);
    await ok(d2, ['pull', '-a', `${plain.host}/test/bb`]);
    assert.match(await ok(d2, ['images', '--format', '{{.Repository}}:{{.Tag}}']), /test\/bb:v2/);
    const r = await d2.docker(['pull', `${plain.host}/other/bb:latest`], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Status: Image is up to date|Status: Downloaded newer image/);
  });

  it('run --pull always|missing|never', async () => {
    const never = await d2.berth(['run', '--rm', '--pull', 'never', `${plain.host}/test/bb:nope`, 'true']);
    assert.notEqual(never.code, 0);
    assert.match(never.stderr, /No such image/);
    assert.doesNotMatch(never.stderr, /Unable to find image/);
    await ok(d2, ['rmi', `${plain.host}/test/bb:v2`]);
    const missing = await d2.berth(['run', '--rm', `${plain.host}/test/bb:v2`, 'echo', 'auto'], { timeoutMs: 60_000 });
    assert.equal(missing.code, 0, missing.stderr);
    assert.match(missing.stderr, new RegExp(`Unable to find image '${plain.host}/test/bb:v2' locally`));
    assert.equal(missing.stdout.trim(), 'auto');
    const always = await d2.berth(['run', '--rm', '--pull', 'always', `${plain.host}/test/bb:v2`, 'echo', 'again'], { timeoutMs: 60_000 });
    assert.equal(always.code, 0, always.stderr);
    assert.match(always.stderr, /Image is up to date/);
    const bad = await d2.berth(['run', '--pull', 'sometimes', 'busybox']);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /invalid pull option/);
  });

  it('bad input: missing tag, malformed reference, a hung registry', async () => {
    const missing = await d2.berth(['pull', `${plain.host}/test/bb:nope`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /manifest unknown/);
    assert.match(missing.stderr, new RegExp(`manifest for ${plain.host}/test/bb:nope not found`));
    const viaDocker = await d2.docker(['pull', `${plain.host}/test/bb:nope`]);
    assert.equal(viaDocker.code, 1);
    assert.match(viaDocker.stderr, /manifest unknown/);
    const malformed = await d2.api('POST', '/images/create?fromImage=' + encodeURIComponent('bad//name') + '&tag=latest');
    assert.equal(malformed.status, 400);
    assert.match(malformed.body, /invalid reference format/);
    const started = Date.now();
    const slow = await d2.berth(['pull', `${hung.host}/x:1`], { timeoutMs: 30_000 });
    assert.equal(slow.code, 1, 'fails instead of hanging');
    assert.match(slow.stderr, /timeout|Timeout/i);
    assert.ok(Date.now() - started < 20_000, 'within the configured timeout');
  });

  it('TLS with a certs.d CA and htpasswd basic auth: login, push, pull, logout', async () => {
    await ok(d1, ['tag', 'busybox', `${secure.host}/team/app:1.0`]);
    const anon = await d1.berth(['push', `${secure.host}/team/app:1.0`]);
    assert.equal(anon.code, 1);
    assert.match(anon.stderr, /unauthorized/);
    const wrong = await d1.berth(['login', '-u', 'alice', '--password-stdin', secure.host], { input: 'nope\n' });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /unauthorized/);
    assert.match(await ok(d1, ['login', '-u', 'alice', '--password-stdin', secure.host], 's3cret\n'), /Login Succeeded/);
    const cfg = JSON.parse(await readFile(join(d1.dir, 'docker-config', 'config.json'), 'utf8')) as { auths: Record<string, { auth: string }> };
    assert.equal(Buffer.from(cfg.auths[secure.host]!.auth, 'base64').toString(), 'alice:s3cret');
    assert.match(await ok(d1, ['push', `${secure.host}/team/app:1.0`]), /1\.0: digest: sha256:/);

    // The docker CLI reads the same config.json and sends X-Registry-Auth.
    await ok(d2, ['login', '-u', 'alice', '-p', 's3cret', secure.host]);
    const pulled = await d2.docker(['pull', `${secure.host}/team/app:1.0`], { timeoutMs: 60_000 });
    assert.equal(pulled.code, 0, pulled.stderr + d2.log().slice(-2000));
    assert.equal((await ok(d2, ['run', '--rm', `${secure.host}/team/app:1.0`, 'echo', 'tls'])).trim(), 'tls');
    assert.match(await ok(d2, ['logout', secure.host]), new RegExp(`Removing login credentials for ${secure.host.replace(/\./g, '\\.')}`));
    const after = await d2.berth(['pull', `${secure.host}/team/app:1.0`]);
    assert.equal(after.code, 1);
    assert.match(after.stderr, /unauthorized/);
  });

  it('token auth (WWW-Authenticate Bearer realm/service/scope): login, push, pull', async () => {
    await ok(d1, ['tag', 'busybox', `${tokenReg.host}/tok/app:t1`]);
    const anon = await d1.berth(['push', `${tokenReg.host}/tok/app:t1`]);
    assert.equal(anon.code, 1);
    assert.match(anon.stderr, /unauthorized|401/);
    const wrong = await d1.berth(['login', '-u', 'bob', '-p', 'wrong', tokenReg.host]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /unauthorized/);
    assert.match(await ok(d1, ['login', '-u', 'bob', '-p', 'hunter2', tokenReg.host]), /Login Succeeded/);
    const before = tokens.issued();
    assert.match(await ok(d1, ['push', `${tokenReg.host}/tok/app:t1`]), /t1: digest: sha256:/);
    assert.ok(tokens.issued() > before, 'the push fetched a token from the realm');
    await ok(d2, ['login', '-u', 'bob', '--password-stdin', tokenReg.host], 'hunter2\n');
    assert.match(await ok(d2, ['pull', `${tokenReg.host}/tok/app:t1`]), /Digest: sha256:/);
    await ok(d2, ['logout', tokenReg.host]);
  });

  it('an OCI index: picks linux/amd64, --platform chooses, an unknown platform is an error', async () => {
    const r = await d2.berth(['pull', `${fake.host}/multi/app`], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr + d2.log().slice(-2000));
    assert.equal((await ok(d2, ['inspect', '-f', '{{.Architecture}} {{len .RootFS.Layers}}', `${fake.host}/multi/app`])).trim(), 'amd64 1');
    assert.equal(fake.hits(`/v2/multi/app/manifests/sha256:${'1'.repeat(64)}`), 0, 'the arm64 manifest is never fetched');
    // The RepoDigest of a multi-platform pull is the index's digest, as the registry gave it for the tag.
    const index = /Digest: (sha256:[0-9a-f]{64})/.exec(r.stdout)![1]!;
    assert.equal(
      (await ok(d2, ['inspect', '-f', '{{json .RepoDigests}}', `${fake.host}/multi/app`])).trim(),
      JSON.stringify([`${fake.host}/multi/app@${index}`]),
    );
    // Untagging the repository's last tag takes its digest reference too, and so deletes the image (Docker's rmi).
    await ok(d2, ['tag', `${fake.host}/multi/app`, `${fake.host}/multi/app:second`]);
    assert.deepEqual((await ok(d2, ['rmi', `${fake.host}/multi/app:second`])).trim().split('\n'), [`Untagged: ${fake.host}/multi/app:second`]);
    const gone = (await ok(d2, ['rmi', `${fake.host}/multi/app`])).trim().split('\n');
    assert.deepEqual(gone.slice(0, 2), [`Untagged: ${fake.host}/multi/app:latest`, `Untagged: ${fake.host}/multi/app@${index}`]);
    assert.match(gone[2] ?? '', /^Deleted: sha256:/);
    await ok(d2, ['pull', `${fake.host}/multi/app`]);
    const none = await d2.berth(['pull', '--platform', 'linux/s390x', `${fake.host}/multi/app`]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no matching manifest for linux\/s390x/);
  });

  it('a corrupt layer is a digest error naming the digest, and leaves no blob behind', async () => {
    const r = await d2.berth(['pull', `${fake.host}/bad/app`], { timeoutMs: 60_000 });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`verification failed for digest ${badLayer}`));
    const blobs = await readdir(join(d2.dataRoot, 'content', 'blobs', 'sha256'));
    assert.ok(!blobs.includes(badLayer.slice(7)), 'the corrupt blob is not visible');
    assert.deepEqual(await readdir(join(d2.dataRoot, 'content', 'ingest')), [], 'no partial ingest left');
    assert.equal((await d2.berth(['images', '-q', `${fake.host}/bad/app`])).stdout, '');
  });

  // Interop with a real Docker engine, when one answers on /var/run/docker.sock (bench/docker-engine.sh start).
  const engineUp = (): boolean => {
    try {
      execFileSync('docker', ['-H', 'unix:///var/run/docker.sock', 'version'], { stdio: 'ignore', timeout: 5000 });
      return true;
    } catch {
      return false;
    }
  };
  it(
    'interop with a Docker engine: docker push → berth pull → run, berth push → docker pull → run',
    { skip: !engineUp() && 'no Docker engine on /var/run/docker.sock' },
    async () => {
      const dockerEnv = { ...process.env, DOCKER_HOST: 'unix:///var/run/docker.sock', DOCKER_CONFIG: join(tmp, 'docker-engine-config') };
      const docker = (args: string[], input?: Buffer): string =>
        execFileSync('docker', args, { env: dockerEnv, input, timeout: 120_000, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
      const fromDocker = `${plain.host}/fromdocker/bb:1`;
      const fromBerth = `${plain.host}/interop/berth:1`;
      try {
        const tarPath = join(tmp, 'bb.tar');
        await ok(d1, ['save', '-o', tarPath, 'busybox']);
        docker(['load', '-i', tarPath]);
        docker(['tag', 'busybox:latest', fromDocker]);
        docker(['push', fromDocker]);
        const pulled = await d2.berth(['pull', fromDocker], { timeoutMs: 60_000 });
        assert.equal(pulled.code, 0, pulled.stderr + d2.log().slice(-2000));
        assert.equal((await ok(d2, ['run', '--rm', fromDocker, 'echo', 'docker-pushed'])).trim(), 'docker-pushed');
        await ok(d1, ['tag', 'busybox', fromBerth]);
        await ok(d1, ['push', fromBerth]);
        docker(['pull', fromBerth]);
        assert.equal(docker(['run', '--rm', '--network', 'none', fromBerth, 'echo', 'berth-pushed']).trim(), 'berth-pushed');
      } finally {
        for (const img of [fromDocker, fromBerth]) {
          try {
            docker(['rmi', '-f', img]);
          } catch {
            // not there
          }
        }
      }
    },
  );
});
