import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTree } from './archive-util.js';
import { runProgram, type RunResult } from './clients.js';
import { startDaemon, type Daemon } from './harness.js';

/**
 * The classic builder as Docker's own clients see it: the docker CLI (DOCKER_BUILDKIT=0) and the
 * Docker SDK for Python against berthd — a Dockerfile from outside the context, .dockerignore
 * naming the build files, --cache-from, errorDetail.code and stderr marking in the stream,
 * stages --target skips, --add-host/--network for RUN, and POST /build/prune.
 */
describe('build: Docker client compatibility', () => {
  let d: Daemon;
  let tmp: string;
  let n = 0;
  const env = (): NodeJS.ProcessEnv => ({
    ...process.env,
    DOCKER_HOST: `unix://${d.socket}`,
    DOCKER_CONFIG: join(d.dir, 'docker-config'),
    DOCKER_BUILDKIT: '0',
    DOCKER_CLI_HINTS: 'false',
  });
  const docker = (args: string[], input?: string): Promise<RunResult> => runProgram('docker', args, env(), { input, timeoutMs: 90_000 });
  const ok = async (args: string[]): Promise<string> => {
    const r = await docker(args);
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}\n${r.stdout}`);
    return r.stdout;
  };
  /** Runs a Python snippet with `client` (docker.DockerClient) and `api` bound; returns what it printed as JSON. */
  const py = async <T>(body: string, args: Record<string, unknown> = {}): Promise<T> => {
    const script = [
      'import docker, json, sys',
      'client = docker.DockerClient(base_url=sys.argv[1], timeout=120)',
      'api = client.api',
      'A = json.loads(sys.argv[2])',
      body,
    ].join('\n');
    const r = await runProgram('python3', ['-c', script, `unix://${d.socket}`, JSON.stringify(args)], env(), { timeoutMs: 120_000 });
    assert.equal(r.code, 0, `python: ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  };
  const context = (files: Record<string, string>): Promise<string> => writeTree(join(tmp, `ctx${n++}`), files);
  const files = (image: string, dir: string): Promise<string> => ok(['run', '--rm', image, 'sh', '-c', `cd ${dir} && find . -type f | sort`]);
  const steps = (out: string): number => out.split('\n').filter((l) => l === ' ---> Using cache').length;

  before(async () => {
    d = await startDaemon();
    tmp = await mkdtemp(join(tmpdir(), 'berth-build-compat-'));
  });
  after(async () => {
    await d?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  it('a Dockerfile outside the context is read but never copied (docker CLI, Python SDK, berth CLI)', async () => {
    const dir = await context({ 'ctx/a.txt': 'a', Dockerfile: 'FROM busybox\nCOPY . /x/\n' });
    await ok(['build', '-q', '-f', join(dir, 'Dockerfile'), '-t', 'outside-cli', join(dir, 'ctx')]);
    assert.equal(await files('outside-cli', '/x'), './a.txt\n');

    // The SDK's own test: a .dockerignore that names itself, the Dockerfile elsewhere.
    await writeFile(join(dir, 'ctx', '.dockerignore'), '.dockerignore\n');
    await py(`client.images.build(path=A['ctx'], dockerfile=A['df'], tag='outside-py'); print('1')`, { ctx: join(dir, 'ctx'), df: join(dir, 'Dockerfile') });
    assert.equal(await files('outside-py', '/x'), './a.txt\n');

    const r = await d.berth(['build', '-q', '-f', join(dir, 'Dockerfile'), '-t', 'outside-berth', join(dir, 'ctx')], { timeoutMs: 90_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await files('outside-berth', '/x'), './a.txt\n');
  });

  it('.dockerignore: re-included files under an ignored directory, and Dockerfile/.dockerignore dropped when named', async () => {
    const dir = await context({
      Dockerfile: 'FROM busybox\nADD . /test\n',
      '.dockerignore': [
        'ignored',
        'Dockerfile',
        '.dockerignore',
        ' ignored-with-spaces ',
        '!ignored/subdir/excepted-file',
        '! ignored/subdir/excepted-with-spaces  ',
        '',
        '#*',
      ].join('\n'),
      'not-ignored': 'x',
      '#file.txt': 'x',
      'ignored-with-spaces': 'x',
      'ignored/subdir/file': 'x',
      'ignored/subdir/excepted-file': 'x',
      'ignored/subdir/excepted-with-spaces': 'x',
    });
    const want = './#file.txt\n./ignored/subdir/excepted-file\n./ignored/subdir/excepted-with-spaces\n./not-ignored\n';
    await ok(['build', '-q', '-t', 'ignore-cli', dir]);
    assert.equal(await files('ignore-cli', '/test'), want);
    await py(`client.images.build(path=A['dir'], tag='ignore-py'); print('1')`, { dir });
    assert.equal(await files('ignore-py', '/test'), want);
    const r = await d.berth(['build', '-q', '-t', 'ignore-berth', dir], { timeoutMs: 90_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await files('ignore-berth', '/test'), want);
  });

  it('--cache-from: only the named images (or their ancestors) serve as cache; a missing name means none', async () => {
    const dir = await context({ Dockerfile: 'FROM busybox\nRUN echo one > /one\nRUN echo two > /two\n' });
    await ok(['build', '-t', 'cf-source', dir]);
    const other = await context({ Dockerfile: 'FROM busybox\nRUN echo other > /other\n' });
    await ok(['build', '-t', 'cf-other', other]);

    assert.equal(steps(await ok(['build', dir])), 2, 'without --cache-from: the local cache');
    assert.equal(steps(await ok(['build', '--cache-from', 'cf-source', dir])), 2);
    assert.equal(steps(await ok(['build', '--cache-from', 'no-such-image:v1', dir])), 0, 'a missing name: no cache at all');
    assert.equal(steps(await ok(['build', '--cache-from', 'cf-other', dir])), 0, 'an unrelated image: no cache');
    const viaBerth = async (from: string): Promise<number> => {
      const r = await d.berth(['build', '--cache-from', from, dir], { timeoutMs: 90_000 });
      assert.equal(r.code, 0, r.stderr);
      return steps(r.stdout);
    };
    assert.deepEqual([await viaBerth('cf-source'), await viaBerth('no-such-image:v1')], [2, 0], 'berth build --cache-from');
    // An ancestor step of a named image counts: the first RUN of cf-source's build.
    const partial = await context({ Dockerfile: 'FROM busybox\nRUN echo one > /one\nRUN echo three > /three\n' });
    assert.equal(steps(await ok(['build', '--cache-from', 'cf-source', partial])), 1);

    // An image loaded from elsewhere, whose steps this daemon never cached nor has images of: its
    // history serves (the missing step image is made from it), and the build ends on that very image.
    const sourceTar = join(tmp, 'cf-source.tar');
    await ok(['save', '-o', sourceTar, 'cf-source']);
    await ok(['rmi', 'cf-source']);
    await ok(['builder', 'prune', '-a', '-f']);
    await ok(['load', '-i', sourceTar]);
    const stepIds = async (): Promise<string[]> => (await ok(['history', '-q', 'cf-source'])).trim().split('\n');
    assert.equal((await stepIds())[1], '<missing>', 'no image of the first RUN is here');
    assert.equal(steps(await ok(['build', '--cache-from', 'no-such-image:v1', partial])), 0);
    await ok(['builder', 'prune', '-a', '-f']);
    const restored = await ok(['build', '--cache-from', 'cf-source', dir]);
    assert.match((await stepIds())[1]!, /^[0-9a-f]{12}$/, "the first RUN's image was made from the history");
    assert.equal(steps(restored), 2, restored);
    const sourceId = (await ok(['image', 'inspect', '-f', '{{.Id}}', 'cf-source'])).trim();
    assert.match(restored, new RegExp(`Successfully built ${sourceId.slice(7, 19)}\n`));
    assert.equal(steps(await ok(['build', '--cache-from', 'cf-source', partial])), 1, 'the first step from history, the second built');

    const sdk = await py<{ withSource: number; missing: number }>(
      `
def cached(**kw):
    out = [c.get('stream', '') for c in api.build(path=A['dir'], decode=True, **kw)]
    return sum(1 for s in out if s == ' ---> Using cache\\n')
print(json.dumps({'withSource': cached(cache_from=['cf-source']), 'missing': cached(cache_from=['nope:none'])}))`,
      { dir },
    );
    assert.deepEqual(sdk, { withSource: 2, missing: 0 });
  });

  it('a failing RUN: errorDetail.code is the exit status, the docker CLI exits with it; stderr is marked red', async () => {
    const dir = await context({ Dockerfile: 'FROM busybox\nRUN echo to-out; echo to-err >&2\nRUN exit 3\n' });
    const r = await docker(['build', '--no-cache', dir]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /The command '\/bin\/sh -c exit 3' returned a non-zero code: 3/);
    assert.match(r.stdout, /\x1b\[91mto-err\n\x1b\[0m/);

    const chunks = await py<Array<Record<string, unknown>>>(`print(json.dumps(list(api.build(path=A['dir'], nocache=True, decode=True))))`, { dir });
    const streams = chunks.map((c) => c.stream).filter((s): s is string => typeof s === 'string');
    assert.ok(streams.includes('to-out\n'), 'stdout unmarked');
    assert.ok(streams.includes('\x1b[91mto-err\n\x1b[0m'), `stderr marked: ${JSON.stringify(streams)}`);
    const last = chunks.at(-1)!;
    assert.deepEqual(last.errorDetail, { code: 3, message: "The command '/bin/sh -c exit 3' returned a non-zero code: 3" });
    assert.equal(last.error, "The command '/bin/sh -c exit 3' returned a non-zero code: 3");

    // Errors without an exit status carry no code (Docker's JSONError omits a zero code).
    const missing = await context({ Dockerfile: 'FROM busybox\nCOPY nope /x\n' });
    const m = await py<Array<Record<string, unknown>>>(`print(json.dumps(list(api.build(path=A['dir'], decode=True))))`, { dir: missing });
    assert.equal((m.at(-1)!.errorDetail as Record<string, unknown>).code, undefined);
  });

  it('--target: stages it skips are not built; WORKDIR takes the rest of the line; parse errors fail anywhere', async () => {
    // docker-py's own test Dockerfile: a missing comma made one WORKDIR line of two.
    const df = [
      'FROM busybox as first',
      'RUN mkdir -p /tmp/test',
      'RUN touch /tmp/silence.tar.gz',
      'FROM busybox',
      'WORKDIR /root/COPY --from=first /tmp/silence.tar.gz .',
      'ONBUILD RUN echo "This should not be in the final image"',
    ].join('\n');
    const dir = await context({ Dockerfile: df });
    await ok(['build', '-q', '--target', 'first', '-t', 'target-first', dir]);
    const info = await py<{ onbuild: unknown }>(`print(json.dumps({'onbuild': api.inspect_image('target-first')['Config'].get('OnBuild')}))`);
    assert.ok(info.onbuild === null || (Array.isArray(info.onbuild) && info.onbuild.length === 0), 'the later stage was not built');
    await py(`client.images.build(path=A['dir'], target='first', tag='target-py'); print('1')`, { dir });

    await ok(['build', '-q', '-t', 'target-all', dir]);
    assert.equal((await ok(['image', 'inspect', '-f', '{{.Config.WorkingDir}}', 'target-all'])).trim(), '/root/COPY --from=first /tmp/silence.tar.gz .');

    const broken = await context({ Dockerfile: 'FROM busybox AS a\nRUN true\nFROM busybox AS b\nCOPY onlyone\n' });
    const r = await docker(['build', '--target', 'a', broken]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /dockerfile parse error on line 4: COPY requires at least two arguments/);
  });

  it('--add-host and --network for RUN steps (host, none, the default bridge, a user network)', async () => {
    const dir = await context({
      Dockerfile:
        'FROM busybox\nRUN cat /etc/hosts; echo ifaces: $(cut -d: -f1 /proc/net/dev | tail -n +3 | sort | tr -d " " | tr "\\n" " "); ip -4 -o addr show\n',
    });
    const before = await ok(['ps', '-aq']); // (the SDK's builds keep their containers: docker-py's rm defaults to False)
    const build = async (args: string[]): Promise<string> => ok(['build', '--no-cache', '--rm', ...args, dir]);
    const hosts = await build(['--add-host', 'buildhost.test:10.9.8.7', '--add-host', 'other.test:10.9.8.6']);
    assert.match(hosts, /10\.9\.8\.7\s+buildhost\.test/);
    assert.match(hosts, /10\.9\.8\.6\s+other\.test/);
    const viaBerth = await d.berth(['build', '--no-cache', '--add-host', 'berthhost.test:10.9.8.5', '--network', 'none', dir], { timeoutMs: 90_000 });
    assert.equal(viaBerth.code, 0, viaBerth.stderr);
    assert.match(viaBerth.stdout, /10\.9\.8\.5\s+berthhost\.test/);
    assert.match(viaBerth.stdout, /ifaces: lo\n/);

    assert.match(await build(['--network', 'none']), /ifaces: lo\n/);

    const bridge = JSON.parse(await ok(['network', 'inspect', 'bridge']))[0];
    const subnet = bridge.IPAM.Config[0].Subnet as string;
    const inSubnet = (out: string, cidr: string): boolean => {
      const [base, bits] = cidr.split('/');
      const toInt = (ip: string): number => ip.split('.').reduce((a, b) => a * 256 + Number(b), 0);
      const mask = 2 ** 32 - 2 ** (32 - Number(bits));
      return [...out.matchAll(/inet (\d+\.\d+\.\d+\.\d+)\//g)].some((m) => m[1] !== '127.0.0.1' && (toInt(m[1]!) & mask) >>> 0 === (toInt(base!) & mask) >>> 0);
    };
    assert.ok(inSubnet(await build([]), subnet), 'default: on the default bridge');
    assert.ok(inSubnet(await build(['--network', 'bridge']), subnet), 'bridge');

    await ok(['network', 'create', '--subnet', '10.251.77.0/24', 'buildnet']);
    try {
      assert.ok(inSubnet(await build(['--network', 'buildnet']), '10.251.77.0/24'), 'a user network');
      const sdk = await py<string[]>(
        `print(json.dumps([c.get('stream', '') for c in api.build(path=A['dir'], nocache=True, network_mode='buildnet', extra_hosts={'sdkhost': '10.1.1.1'}, rm=True, decode=True)]))`,
        { dir },
      );
      assert.match(sdk.join(''), /10\.1\.1\.1\s+sdkhost/);
      assert.ok(inSubnet(sdk.join(''), '10.251.77.0/24'), sdk.join(''));
    } finally {
      await docker(['network', 'rm', 'buildnet']);
    }

    // Host networking sees the host's interfaces: the daemon's own bridge is one of them.
    const hostOut = await build(['--network', 'host']);
    const bridgeName = bridge.Options['com.docker.network.bridge.name'] as string;
    assert.match(hostOut, new RegExp(`ifaces: .*\\b${bridgeName}\\b`));
    assert.equal(await ok(['ps', '-aq']), before, 'no build container left');
  });

  it('POST /build/prune: Docker shape, shared records kept unless all, version-gated space limits, filters', async () => {
    // The docker CLI's `builder prune -a` first: what the earlier tests cached goes (their records
    // that containers still use stay, and stay out of every count below).
    assert.match(await ok(['builder', 'prune', '-a', '-f']), /Deleted build cache objects:\n[0-9a-f]{25}\n[^]*Total reclaimed space: /);
    const dir = await context({ Dockerfile: 'FROM busybox\nRUN head -c 200000 /dev/urandom > /blob\nRUN echo two > /two\n' });
    await ok(['build', '-t', 'prune-kept', dir]);
    // A build whose tag moves away leaves dangling, unshared cache records behind.
    const gone = await context({ Dockerfile: 'FROM busybox\nRUN head -c 300000 /dev/urandom > /gone\n' });
    await ok(['build', '-t', 'prune-moved', gone]);
    await ok(['tag', 'busybox', 'prune-moved']);

    const bad = await d.api('POST', '/v1.41/build/prune?keep-storage=lots');
    assert.equal(bad.status, 400);
    assert.match(bad.body, /keep-storage is in bytes and expects an integer, got lots/);
    const conflict = await d.api('POST', `/build/prune?filters=${encodeURIComponent(JSON.stringify({ until: ['1h'], 'unused-for': ['1h'] }))}`);
    assert.equal(conflict.status, 400);
    assert.equal(JSON.parse(conflict.body).message, 'conflicting filters: "until" and "unused-for"');

    // keep-storage keeps that much cache (1 GB: nothing goes); from 1.48 (when the daemon speaks
    // it) reserved-space does the same, while before 1.48 it is not read (below).
    const kept = await d.api('POST', '/v1.41/build/prune?all=1&keep-storage=1000000000');
    assert.equal(kept.status, 200, kept.body);
    assert.deepEqual(JSON.parse(kept.body), { CachesDeleted: null, SpaceReclaimed: 0 });
    const max = (JSON.parse((await d.api('GET', '/version')).body) as { ApiVersion: string }).ApiVersion;
    if (Number(max.split('.')[1]) >= 48) {
      const reserved = await d.api('POST', '/v1.48/build/prune?all=1&reserved-space=1000000000');
      assert.deepEqual(JSON.parse(reserved.body), { CachesDeleted: null, SpaceReclaimed: 0 });
    }

    // An until filter in the past matches nothing.
    const old = await d.api('POST', `/build/prune?all=1&filters=${encodeURIComponent(JSON.stringify({ until: ['2000-01-01T00:00:00Z'] }))}`);
    assert.deepEqual(JSON.parse(old.body), { CachesDeleted: null, SpaceReclaimed: 0 });

    // Without all: only the record of the moved tag's image goes, and its layer is freed.
    const sdk = await py<{ CachesDeleted: string[]; SpaceReclaimed: number }>(`print(json.dumps(api.prune_builds()))`);
    assert.equal(sdk.CachesDeleted.length, 1, JSON.stringify(sdk));
    assert.ok(sdk.SpaceReclaimed >= 300_000, JSON.stringify(sdk));
    assert.equal(steps(await ok(['build', dir])), 2, 'shared records survive a prune without all');

    const v141 = await d.api('POST', '/v1.41/build/prune?all=1&reserved-space=1000000000');
    assert.equal(v141.status, 200, v141.body);
    assert.equal(JSON.parse(v141.body).CachesDeleted.length, 2, 'reserved-space is not read before 1.48');
    assert.equal(steps(await ok(['build', dir])), 0, 'the cache is gone');

    const cli = await ok(['builder', 'prune', '-a', '-f']);
    assert.match(cli, /Total reclaimed space: /);
    assert.equal((await ok(['image', 'inspect', '-f', '{{.Id}}', 'prune-kept'])).startsWith('sha256:'), true, 'named images stay');
  });
});
