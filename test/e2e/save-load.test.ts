import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berthToFile, blobCount, readBytes, readTar, writeTar, type TarMember } from './archive-util.js';
import { runProgram } from './clients.js';
import { busyboxRootfs, startDaemon, type Daemon } from './harness.js';

describe('save and load', () => {
  let d: Daemon;
  let tmp: string;
  let saved: Buffer;
  before(async () => {
    d = await startDaemon();
    tmp = await mkdtemp(join(tmpdir(), 'berth-save-'));
    const r = await d.berth(['save', '-o', join(tmp, 'busybox.tar'), 'busybox']);
    assert.equal(r.code, 0, r.stderr);
    saved = await readBytes(join(tmp, 'busybox.tar'));
  });
  after(async () => {
    await d?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  const imageIds = async (): Promise<string> => (await d.berth(['images', '-a', '-q', '--no-trunc'])).stdout;

  it('save writes docker-archive and OCI layout files, layers once', async () => {
    const members = await readTar(saved);
    const names = members.map((m) => m.name);
    for (const n of ['manifest.json', 'index.json', 'oci-layout', 'repositories']) assert.ok(names.includes(n), n);
    const manifest = JSON.parse(members.find((m) => m.name === 'manifest.json')!.body.toString()) as Array<{
      Config: string;
      RepoTags: string[];
      Layers: string[];
    }>;
    assert.deepEqual(manifest[0]!.RepoTags, ['busybox:latest']);
    const id = (await d.berth(['inspect', '-f', '{{.Id}}', 'busybox'])).stdout.trim();
    assert.equal(manifest[0]!.Config, `blobs/sha256/${id.slice(7)}`);
    for (const l of manifest[0]!.Layers) assert.ok(names.includes(l), l);
    const index = JSON.parse(members.find((m) => m.name === 'index.json')!.body.toString()) as { manifests: Array<{ annotations: Record<string, string> }> };
    assert.equal(index.manifests[0]!.annotations['io.containerd.image.name'], 'docker.io/library/busybox:latest');
    assert.equal(new Set(names).size, names.length, 'no member twice');
  });

  it('save to stdout, refuses unknown images, load -i restores a removed image that runs', async () => {
    const out = join(tmp, 'stdout.tar');
    const s = await berthToFile(d, ['save', 'busybox'], out);
    assert.equal(s.code, 0, s.stderr);
    assert.deepEqual(await readBytes(out), saved, 'same images save to the same bytes');
    const missing = await d.berth(['save', '-o', join(tmp, 'x.tar'), 'nope']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No such image: nope/);
    assert.equal(existsSync(join(tmp, 'x.tar')), false);

    assert.equal((await d.berth(['rmi', 'busybox'])).code, 0);
    const r = await d.berth(['load', '-i', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Loaded image: busybox:latest\n');
    const run = await d.berth(['run', '--rm', 'busybox', 'echo', 'loaded']);
    assert.equal(run.stdout, 'loaded\n', run.stderr);
  });

  it('loads gzip, xz and zstd compressed archives from stdin, through both CLIs', async () => {
    for (const [tool, args] of [
      ['gzip', ['-c']],
      ['xz', ['-c', '-T1']],
      ['zstd', ['-c', '-q']],
    ] as const) {
      const packed = execFileSync(tool, [...args], { input: saved, maxBuffer: 1 << 28 });
      const r = await (tool === 'xz' ? d.docker(['load'], { input: packed }) : d.berth(['load'], { input: packed }));
      assert.equal(r.code, 0, `${tool}: ${r.stderr}`);
      assert.equal(r.stdout, 'Loaded image: busybox:latest\n', tool);
    }
  });

  it('docker CLI: save -o and load -i; an image saved by ID loads untagged', async () => {
    const file = join(tmp, 'docker.tar');
    assert.equal((await d.docker(['save', '-o', file, 'busybox'])).code, 0);
    assert.equal((await d.docker(['load', '-i', file])).stdout, 'Loaded image: busybox:latest\n');
    const id = (await d.docker(['inspect', '-f', '{{.Id}}', 'busybox'])).stdout.trim();
    const byId = join(tmp, 'byid.tar');
    assert.equal((await d.docker(['save', '-o', byId, id.slice(7, 19)])).code, 0);
    const manifest = JSON.parse((await readTar(await readBytes(byId))).find((m) => m.name === 'manifest.json')!.body.toString()) as Array<{
      RepoTags: unknown;
    }>;
    assert.equal(manifest[0]!.RepoTags, null);
    assert.equal((await d.berth(['load', '-q', '-i', byId])).stdout, `Loaded image ID: ${id}\n`);
  });

  it('loads an OCI archive (index.json only) and names the image from its annotation', async () => {
    const members = (await readTar(saved)).filter((m) => !['manifest.json', 'repositories'].includes(m.name));
    const file = join(tmp, 'oci.tar');
    await writeFile(file, await writeTar(members));
    assert.equal((await d.berth(['rmi', 'busybox'])).code, 0);
    const r = await d.berth(['load', '-i', file]);
    assert.equal(r.stdout, 'Loaded image: busybox:latest\n', r.stderr);
  });

  it('API: images/{name}/get streams a tar; images/load reports progress as JSON lines', async () => {
    const res = await d.api('GET', '/v1.41/images/busybox/get');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/x-tar');
    const lines = await postLoad(d, saved, false);
    const msgs = lines.map((l) => JSON.parse(l) as { status?: string; stream?: string; progressDetail?: { total: number } });
    assert.ok(msgs.some((m) => m.status === 'Loading layer' && m.progressDetail!.total > 0));
    assert.equal(msgs.at(-1)!.stream, 'Loaded image: busybox:latest\n');
    assert.deepEqual(await postLoad(d, saved, true), ['{"stream":"Loaded image: busybox:latest\\n"}']);
  });

  describe('rejects hostile or broken archives, storing nothing', () => {
    const cases: Array<[string, (m: TarMember[]) => TarMember[], RegExp]> = [
      ['a ../ member', (m) => [...m, file('../evil', 'x')], /outside the archive/],
      ['an absolute member', (m) => [...m, file('/etc/evil', 'x')], /absolute path/],
      ['a manifest pointing outside the archive', (m) => withManifest(m, (e) => (e.Layers[0] = '../../../../etc/passwd')), /outside the archive/],
      ['an absolute manifest path', (m) => withManifest(m, (e) => (e.Config = '/etc/passwd')), /absolute path/],
      [
        'a symlinked config',
        (m) => withManifest([...m, { name: 'cfg.json', type: 'symlink', linkname: '/etc/passwd', body: Buffer.alloc(0) }], (e) => (e.Config = 'cfg.json')),
        /symlink, not a regular file/,
      ],
      [
        'a symlinked layer',
        (m) =>
          withManifest(
            [
              ...m,
              {
                name: 'l.tar',
                type: 'symlink',
                linkname: m.find((x) => x.name.startsWith('blobs/sha256/') && x.body.length > 100000)!.name,
                body: Buffer.alloc(0),
              },
            ],
            (e) => (e.Layers[0] = 'l.tar'),
          ),
        /symlink, not a regular file/,
      ],
      ['a tampered layer', (m) => tamperLayer(m), /digest mismatch/],
      ['a missing layer', (m) => withManifest(m, (e) => (e.Layers[0] = 'nope.tar')), /not in the archive/],
      ['not a tar', () => [], /invalid tar header/],
      ['a tar without manifests', (m) => m.filter((x) => !['manifest.json', 'index.json'].includes(x.name)), /no manifest.json or index.json/],
    ];
    for (const [what, mutate, message] of cases) {
      it(what, async () => {
        await d.berth(['rmi', '-f', 'busybox']);
        const before = { blobs: await blobCount(d), images: await imageIds() };
        const members = mutate(await readTar(saved));
        const tar = members.length === 0 ? Buffer.from('not a tar at all\n'.repeat(100)) : await writeTar(members);
        const r = await d.berth(['load'], { input: tar });
        assert.notEqual(r.code, 0, `${what} was accepted`);
        assert.match(r.stderr, message);
        assert.equal(await imageIds(), before.images, 'no image stored');
        assert.equal(await blobCount(d), before.blobs, 'no blob stored');
        assert.deepEqual(await readdir(join(d.dataRoot, 'tmp')), [], 'spool removed');
        assert.equal(existsSync('/etc/evil') || existsSync(join(d.dataRoot, '..', 'evil')), false);
        assert.equal((await d.berth(['load', '-q'], { input: saved })).code, 0, 'restores busybox');
      });
    }
  });
});

const file = (name: string, body: string): TarMember => ({ name, type: 'file', linkname: '', body: Buffer.from(body) });

type Entry = { Config: string; Layers: string[] };
function withManifest(members: TarMember[], edit: (e: Entry) => void): TarMember[] {
  // Without index.json, so the loader cannot fall back to it.
  return members
    .filter((m) => m.name !== 'index.json')
    .map((m) => {
      if (m.name !== 'manifest.json') return m;
      const manifest = JSON.parse(m.body.toString()) as Entry[];
      edit(manifest[0]!);
      return { ...m, body: Buffer.from(JSON.stringify(manifest)) };
    });
}

function tamperLayer(members: TarMember[]): TarMember[] {
  const manifest = JSON.parse(members.find((m) => m.name === 'manifest.json')!.body.toString()) as Entry[];
  const layer = manifest[0]!.Layers[0]!;
  return members
    .filter((m) => m.name !== 'index.json')
    .map((m) => {
      if (m.name !== layer) return m;
      // A valid tar, just not the one the config names: a file appended to the layer.
      const body = Buffer.from(m.body);
      body.write('tampered', body.length - 2048);
      return { ...m, body };
    });
}

function postLoad(d: Daemon, body: Buffer, quiet: boolean): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath: d.socket, method: 'POST', path: `/v1.41/images/load?quiet=${quiet ? 1 : 0}`, headers: { 'Content-Type': 'application/x-tar' } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text.split('\n').filter(Boolean)));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The real Docker engine, when one runs on this machine (bench/docker-engine.sh start). */
const DOCKER_SOCK = '/var/run/docker.sock';
const dockerUp = async (): Promise<boolean> => {
  if (!existsSync(DOCKER_SOCK)) return false;
  const r = await runProgram(
    'docker',
    ['-H', `unix://${DOCKER_SOCK}`, 'version', '--format', '{{.Server.Version}}'],
    { ...process.env, DOCKER_CONFIG: tmpdir() },
    { timeoutMs: 5000 },
  ).catch(() => undefined);
  return r?.code === 0;
};

describe('interchange with a real Docker engine', { skip: !(await dockerUp()) && 'no Docker engine on /var/run/docker.sock' }, () => {
  let d: Daemon;
  let tmp: string;
  const tag = `berth-interop-${process.pid}`;
  const env = { ...process.env, DOCKER_HOST: `unix://${DOCKER_SOCK}`, DOCKER_CLI_HINTS: 'false' };
  const docker = (args: string[]) => runProgram('docker', args, env, { timeoutMs: 120_000 });
  before(async () => {
    d = await startDaemon();
    tmp = await mkdtemp(join(tmpdir(), 'berth-interop-'));
  });
  after(async () => {
    await docker(['rmi', '-f', `${tag}:from-berth`, `${tag}:from-docker`]);
    await d?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  it('a berth save loads into Docker and runs; a docker save loads into berth and runs', async () => {
    const imp = await d.berth(['import', '-c', 'CMD ["sh"]', await busyboxRootfs(), `${tag}:from-berth`]);
    assert.equal(imp.code, 0, imp.stderr);
    const fromBerth = join(tmp, 'from-berth.tar');
    assert.equal((await d.berth(['save', '-o', fromBerth, `${tag}:from-berth`])).code, 0);
    const load = await docker(['load', '-i', fromBerth]);
    assert.equal(load.code, 0, load.stderr);
    assert.match(load.stdout, new RegExp(`Loaded image: ${tag}:from-berth`));
    const run = await docker(['run', '--rm', '--network', 'none', `${tag}:from-berth`, 'echo', 'hello from berth']);
    assert.equal(run.stdout, 'hello from berth\n', run.stderr);

    assert.equal((await docker(['tag', `${tag}:from-berth`, `${tag}:from-docker`])).code, 0);
    const fromDocker = join(tmp, 'from-docker.tar');
    const save = await docker(['save', '-o', fromDocker, `${tag}:from-docker`]);
    assert.equal(save.code, 0, save.stderr);
    const back = await d.berth(['load', '-i', fromDocker]);
    assert.equal(back.stdout, `Loaded image: ${tag}:from-docker\n`, back.stderr);
    const run2 = await d.berth(['run', '--rm', `${tag}:from-docker`, 'echo', 'hello from docker']);
    assert.equal(run2.stdout, 'hello from docker\n', run2.stderr);
  });
});
