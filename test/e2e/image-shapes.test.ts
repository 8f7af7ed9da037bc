import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runProgram } from './clients.js';
import { startDaemon, type Daemon } from './harness.js';

type Json = Record<string, unknown>;
const platform = (p: Json): string => encodeURIComponent(JSON.stringify(p));

// Image shapes per API version (Docker's version history, 1.43 … 1.54), `Descriptor`/`Manifests`
// from the OCI store, `platform` parameters, and `image ls --tree` through the docker CLI.
describe('image shapes by API version', () => {
  let d: Daemon;
  let busyboxId = '';
  let committed = '';
  let container = '';
  before(async () => {
    d = await startDaemon();
    busyboxId = (JSON.parse((await d.api('GET', '/images/busybox/json')).body) as Json).Id as string;
    const run = await d.berth(['run', '--name', 'src', 'busybox', 'sh', '-c', 'echo hi > /hello']);
    assert.equal(run.code, 0, run.stderr);
    container = (await d.berth(['inspect', '-f', '{{.Id}}', 'src'])).stdout.trim();
    committed = (await d.berth(['commit', 'src', 'snap:1'])).stdout.trim();
  });
  after(async () => {
    await d?.stop();
  });

  const get = async (path: string): Promise<Json> => {
    const r = await d.api('GET', path);
    assert.equal(r.status, 200, `${path}: ${r.body}`);
    return r.json as Json;
  };
  const list = async (version: string, query = ''): Promise<Json[]> => (await d.api('GET', `/v${version}/images/json${query}`)).json as Json[];
  const bb = (items: Json[]): Json => items.find((i) => i.Id === busyboxId)!;

  it('VirtualSize below 1.44 only; Container/ContainerConfig below 1.45, a commit keeps its container', async () => {
    assert.equal((await get('/v1.43/images/busybox/json')).VirtualSize, (await get('/v1.43/images/busybox/json')).Size);
    assert.ok(!('VirtualSize' in (await get('/v1.44/images/busybox/json'))));
    assert.ok('VirtualSize' in bb(await list('1.43')));
    assert.ok(!('VirtualSize' in bb(await list('1.44'))));
    const df43 = (await get('/v1.43/system/df')).Images as Json[];
    const df44 = (await get('/v1.44/system/df')).Images as Json[];
    assert.ok('VirtualSize' in df43[0]! && !('VirtualSize' in df44[0]!));

    const old = await get(`/v1.44/images/${committed}/json`);
    assert.equal(old.Container, container, 'commit records the source container');
    assert.deepEqual((old.ContainerConfig as Json).Cmd, ['sh', '-c', 'echo hi > /hello']);
    const now = await get(`/v1.45/images/${committed}/json`);
    assert.ok(!('Container' in now) && !('ContainerConfig' in now));
    // The docker CLI (API 1.50) no longer sees them, as against Docker.
    assert.equal((await d.docker(['image', 'inspect', '-f', '{{json .ContainerConfig}}', 'snap:1'])).stdout.trim(), 'null');
  });

  it('dangling placeholders below 1.43; Containers counted from 1.51; Config and empty fields by version', async () => {
    await d.berth(['tag', 'busybox', 'snap:1']); // the committed image is left dangling
    const dangling = (v: string): Promise<Json> => list(v, '?all=1').then((l) => l.find((i) => i.Id === committed)!);
    assert.deepEqual((await dangling('1.42')).RepoTags, ['<none>:<none>']);
    assert.deepEqual((await dangling('1.42')).RepoDigests, ['<none>@<none>']);
    assert.deepEqual((await dangling('1.43')).RepoTags, []);
    assert.deepEqual((await dangling('1.43')).RepoDigests, []);
    await d.berth(['tag', committed, 'snap:1']);

    assert.equal(bb(await list('1.50')).Containers, -1);
    assert.equal(bb(await list('1.51')).Containers, 1, 'the exited container `src` uses busybox');

    const c49 = (await get('/v1.49/images/busybox/json')).Config as Json;
    const c50 = (await get('/v1.50/images/busybox/json')).Config as Json;
    const c52 = (await get('/v1.52/images/busybox/json')).Config as Json;
    assert.equal(c49.Hostname, '');
    assert.equal(c49.AttachStdout, false);
    for (const k of ['Hostname', 'Domainname', 'AttachStdin', 'AttachStdout', 'AttachStderr', 'Tty', 'OpenStdin', 'StdinOnce', 'Image']) {
      assert.ok(!(k in c50), `${k} left out at 1.50`);
    }
    assert.equal(c50.Entrypoint, null, 'unset fields stay (null) until 1.52');
    assert.ok(!('Entrypoint' in c52) && !('User' in c52) && !('WorkingDir' in c52), 'unset Config fields left out at 1.52');
    assert.deepEqual(c52.Cmd, c50.Cmd);
    const i51 = await get(`/v1.51/images/${committed}/json`);
    const i52 = await get(`/v1.52/images/${committed}/json`);
    assert.equal(i51.Comment, '');
    assert.equal(i51.Author, '');
    assert.ok(!('Comment' in i52) && !('Author' in i52) && !('DockerVersion' in i52));
  });

  it('Descriptor from 1.48 and Manifests (list 1.47, inspect 1.48, identity 1.54) from the OCI store', async () => {
    assert.ok(!('Descriptor' in bb(await list('1.47'))));
    assert.ok(!('Manifests' in bb(await list('1.46', '?manifests=1'))));
    const m47 = bb(await list('1.47', '?manifests=1')).Manifests as Json[];
    assert.equal(m47.length, 1);
    const desc = bb(await list('1.48')).Descriptor as Json;
    assert.match(desc.digest as string, /^sha256:[0-9a-f]{64}$/);
    assert.match(desc.mediaType as string, /manifest/);
    assert.ok((desc.size as number) > 0);
    const m = m47[0]!;
    assert.equal(m.ID, desc.digest);
    assert.equal(m.Kind, 'image');
    assert.equal(m.Available, true);
    assert.deepEqual((m.ImageData as Json).Platform, { architecture: 'amd64', os: 'linux' });
    assert.deepEqual((m.ImageData as Json).Containers, [container]);
    const size = m.Size as { Total: number; Content: number };
    assert.ok(size.Content > (desc.size as number) && size.Total === size.Content + (bb(await list('1.48')).Size as number));

    const inspect = await get('/v1.48/images/busybox/json?manifests=1');
    assert.deepEqual(inspect.Descriptor, desc);
    assert.deepEqual(inspect.Manifests, m47);
    assert.ok(!('Descriptor' in (await get('/v1.47/images/busybox/json?manifests=1'))));
    assert.ok(!('Manifests' in (await get('/v1.48/images/busybox/json'))));
    assert.ok(!('Manifests' in bb(await list('1.53', '?identity=1'))));
    assert.deepEqual(
      bb(await list('1.54', '?identity=1')).Manifests,
      m47,
      'identity asks for the manifest summaries, without an Identity berth cannot vouch for',
    );
  });

  it('platform parameters: the host platform is served, others refused as Docker refuses them', async () => {
    const amd64 = platform({ os: 'linux', architecture: 'amd64' });
    const arm64 = platform({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    assert.equal((await d.api('GET', `/v1.49/images/busybox/json?platform=${amd64}`)).status, 200);
    assert.equal((await d.api('GET', `/v1.49/images/busybox/json?platform=${platform({ os: 'linux', architecture: 'amd64', variant: 'v2' })}`)).status, 200);
    const wrong = await d.api('GET', `/v1.49/images/busybox/json?platform=${arm64}`);
    assert.equal(wrong.status, 404);
    assert.equal(
      (wrong.json as Json).message,
      'image with reference busybox was found but does not match the specified platform: wanted linux/arm64/v8, actual: linux/amd64',
    );
    assert.equal((await d.api('GET', `/v1.48/images/busybox/json?platform=${arm64}`)).status, 200, 'ignored before 1.49, as Docker');
    const both = await d.api('GET', `/v1.49/images/busybox/json?platform=${amd64}&manifests=1`);
    assert.equal(both.status, 400);
    assert.equal((both.json as Json).message, 'conflicting options: manifests and platform options cannot both be set');
    const bad = await d.api('GET', `/v1.49/images/busybox/json?platform=${platform({ os: 'linux' })}`);
    assert.equal(bad.status, 400);
    assert.equal((bad.json as Json).message, 'both OS and Architecture must be provided');
    assert.equal((await d.api('GET', '/v1.49/images/busybox/json?platform=linux%2Famd64')).status, 400, 'the inspect parameter is JSON');

    assert.equal((await d.api('GET', `/v1.48/images/busybox/history?platform=${amd64}`)).status, 200);
    assert.equal((await d.api('GET', `/v1.48/images/busybox/history?platform=${arm64}`)).status, 404);
    assert.equal((await d.api('GET', `/v1.48/images/busybox/get?platform=${amd64}`)).status, 200);
    assert.equal((await d.api('GET', `/v1.48/images/busybox/get?platform=${arm64}`)).status, 404);
    const two = await d.api('GET', `/v1.51/images/busybox/get?platform=${amd64}&platform=${arm64}`);
    assert.equal(two.status, 400);
    assert.equal((two.json as Json).message, 'multiple platform parameters are not supported in this API version; use API version 1.52 or later');
    assert.equal((await d.api('GET', `/v1.52/images/busybox/get?platform=${arm64}&platform=${amd64}`)).status, 200);
    assert.equal((await d.api('DELETE', `/v1.50/images/snap:1?platforms=${arm64}`)).status, 404);

    // Through the docker CLI: the host's platform in its `os/arch[/variant]` forms, others refused.
    for (const p of ['linux/amd64', 'linux/amd64/v1']) {
      const r = await d.docker(['image', 'inspect', '--platform', p, '-f', '{{.Os}}/{{.Architecture}}', 'busybox']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), 'linux/amd64');
    }
    const armInspect = await d.docker(['image', 'inspect', '--platform', 'linux/arm64', 'busybox']);
    assert.equal(armInspect.code, 1);
    assert.match(armInspect.stderr, /does not match the specified platform: wanted linux\/arm64, actual: linux\/amd64/);
    const hist = await d.docker(['history', '--platform', 'linux/arm64', 'busybox']);
    assert.notEqual(hist.code, 0);
    assert.match(hist.stderr, /does not match the specified platform/);
    assert.equal((await d.docker(['history', '--platform', 'linux/amd64', '-q', 'busybox'])).code, 0);
    const tar = join(d.dir, 'bb-amd64.tar');
    const saved = await d.docker(['save', '--platform', 'linux/amd64', '-o', tar, 'busybox']);
    assert.equal(saved.code, 0, saved.stderr);
    const armSave = await d.docker(['save', '--platform', 'linux/arm64', '-o', join(d.dir, 'no.tar'), 'busybox']);
    assert.equal(armSave.code, 1);
    assert.match(armSave.stderr, /does not match the specified platform: wanted linux\/arm64, actual: linux\/amd64/);
    const armLoad = await d.docker(['load', '--platform', 'linux/arm64', '-i', tar]);
    assert.notEqual(armLoad.code, 0);
    assert.match(armLoad.stderr, /image does not provide the specified platform \(linux\/arm64\)/);
    const load = await d.docker(['load', '--platform', 'linux/amd64', '-i', tar]);
    assert.equal(load.code, 0, load.stderr);
    assert.match(load.stdout, /Loaded image: busybox:latest/);
    // import --platform names the image's platform; the checks follow the image, not the host.
    const fsTar = join(d.dir, 'fs.tar');
    assert.equal((await d.docker(['export', '-o', fsTar, 'src'])).code, 0);
    const imported = await d.docker(['import', '--platform', 'linux/arm64/v8', fsTar, 'arm:1']);
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal((await d.docker(['image', 'inspect', '-f', '{{.Os}}/{{.Architecture}}/{{.Variant}}', 'arm:1'])).stdout.trim(), 'linux/arm64/v8');
    assert.equal((await d.docker(['image', 'inspect', '--platform', 'linux/arm64', 'arm:1'])).code, 0);
    assert.equal((await d.docker(['image', 'inspect', '--platform', 'linux/amd64', 'arm:1'])).code, 1);
    assert.equal((await d.docker(['rmi', 'arm:1'])).code, 0);
    const rmArm = await d.docker(['image', 'rm', '--platform', 'linux/arm64', 'snap:1']);
    assert.equal(rmArm.code, 1);
    assert.match(rmArm.stderr, /does not match the specified platform/);
  });

  it('docker image ls --tree (docker CLI 28.2 at API 1.50) prints each image with its platform manifest', async () => {
    const r = await d.docker(['image', 'ls', '--tree']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
    assert.equal(lines[0], "WARNING: This is an experimental feature. The output may change and shouldn't be depended on.");
    assert.match(lines[1]!, /Info -> +U In Use/);
    assert.match(lines[3]!, /^IMAGE +ID +DISK USAGE +CONTENT SIZE +EXTRA$/);
    const at = lines.findIndex((l) => l.startsWith('busybox:latest '));
    assert.ok(at > 0, r.stdout);
    const m = bb(await list('1.50', '?manifests=1'));
    const manifest = (m.Manifests as Json[])[0]!;
    assert.match(lines[at]!, new RegExp(`^busybox:latest +${busyboxId.slice(7, 19)} +\\S+ +\\S+ +U +$`));
    assert.match(
      lines[at + 1]!,
      new RegExp(`^└─ linux/amd64 +${(manifest.ID as string).slice(7, 19)} +\\S+ +\\S+ +U +$`),
      'the child is the platform manifest, in use',
    );
    assert.equal(lines[at + 2], '');

    // The berth CLI prints the same bytes (the seeds use `docker images --tree`).
    for (const args of [
      ['images', '--tree'],
      ['image', 'ls', '--tree'],
    ]) {
      const b = await d.berth(args);
      assert.equal(b.code, 0, b.stderr);
      assert.equal(b.stdout, r.stdout, `berth ${args.join(' ')}`);
    }
    assert.equal((await d.berth(['images', '--tree', '-a'])).stdout, (await d.docker(['images', '--tree', '-a'])).stdout);
    // --layers (berth's own) adds the layer-sharing hierarchy under the docker-compatible tree.
    const layered = await d.berth(['images', '--tree', '--layers']);
    assert.equal(layered.code, 0, layered.stderr);
    assert.ok(layered.stdout.startsWith(r.stdout));
    const tree = layered.stdout.slice(r.stdout.length).split('\n');
    assert.equal(tree[0], 'LAYERS (images built on the same layers share them)');
    const base = tree.findIndex((l) => /^└─ [0-9a-f]{12} +\S+B +busybox:latest$/.test(l));
    assert.ok(base > 0, layered.stdout);
    assert.match(tree[base + 1]!, /^ {3}└─ [0-9a-f]{12} +\S+B +snap:1$/, 'the commit sits on the busybox layer it shares');
    const q = await d.berth(['images', '--tree', '-q']);
    assert.equal(q.code, 1);
    assert.equal(q.stderr.trim(), (await d.docker(['images', '--tree', '-q'])).stderr.trim());
  });

  it('the Python SDK sees the same shapes at its pinned and negotiated versions', async () => {
    const script = [
      'import docker, json, sys',
      'sock = "unix://" + sys.argv[1]',
      'old = docker.APIClient(base_url=sock, version="1.44")',
      'new = docker.APIClient(base_url=sock, version="1.48")',
      'auto = docker.DockerClient(base_url=sock, version="auto")',
      'i44 = old.inspect_image(sys.argv[2])',
      'i48 = new.inspect_image("busybox")',
      'print(json.dumps({"container": i44.get("Container"), "virtual": "VirtualSize" in i44,',
      '  "descriptor": i48.get("Descriptor"), "noContainer": "Container" not in i48,',
      '  "version": auto.api.api_version, "autoDescriptor": auto.images.get("busybox").attrs.get("Descriptor")}))',
    ].join('\n');
    const r = await runProgram('/usr/bin/python3', ['-c', script, d.socket, committed], process.env);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Json;
    const desc = ((await d.api('GET', '/v1.48/images/busybox/json')).json as Json).Descriptor;
    assert.equal(out.container, container);
    assert.equal(out.virtual, false);
    assert.deepEqual(out.descriptor, desc);
    assert.equal(out.noContainer, true);
    assert.deepEqual(out.autoDescriptor, desc, `negotiated ${String(out.version)}`);
  });
});
