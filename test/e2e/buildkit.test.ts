import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { runProgram } from './clients.js';
import { buildkitSuite, buildxSkip, COMPOSE } from './buildx-plugin.js';
import { dockerOk, startDaemon, type Daemon } from './harness.js';

// `docker build` with buildx installed goes BuildKit's way (POST /grpc + /session) against berthd.
describe('BuildKit builds through buildx (docker driver)', { skip: buildxSkip }, () => {
  let d: Daemon;
  let tmp: string;
  const { docker, context, failure } = buildkitSuite('berth-buildkit-', (daemon, dir) => ((d = daemon), (tmp = dir)));
  const imageId = async (ref: string): Promise<string> => (await dockerOk(d, ['image', 'inspect', '--format', '{{.Id}}', ref])).trim();

  it('buildx ls shows the engine as the default builder, running, linux/amd64', async () => {
    const out = await dockerOk(d, ['buildx', 'ls']);
    const row = out.split('\n').find((l) => /\bdefault\b.*\brunning\b/.test(l));
    assert.ok(row, out);
    assert.match(row, /linux\/amd64/);
    assert.match(row, /v0\.\d+\.\d+/, 'the BuildKit version column');
  });

  const multiStep = {
    Dockerfile:
      'FROM busybox\nCOPY a.txt /a.txt\nRUN cat /a.txt > /b.txt && echo ran-step\nENV X=from-env\nWORKDIR /w\nCMD ["sh", "-c", "cat /b.txt; echo $X; pwd"]\n',
    'a.txt': 'hello-context\n',
    'ignored.txt': 'never sent\n',
    '.dockerignore': 'ignored.txt\n',
  };

  it('docker build -t of a multi-step Dockerfile makes a runnable image, with BuildKit progress', async () => {
    const dir = await context(multiStep);
    const r = await docker(['build', '--progress=plain', '-t', 'bk-multi', dir]);
    assert.equal(r.code, 0, failure(r));
    for (const line of [
      '[internal] load build definition from Dockerfile',
      '[internal] load build context',
      '[1/4] FROM docker.io/library/busybox:latest',
      '[2/4] COPY a.txt /a.txt',
      '[3/4] RUN cat /a.txt > /b.txt && echo ran-step',
      '[4/4] WORKDIR /w',
      'exporting to image',
      'naming to docker.io/library/bk-multi:latest',
    ]) {
      assert.ok(r.stderr.includes(line), `progress shows ${JSON.stringify(line)}:\n${r.stderr}`);
    }
    assert.match(r.stderr, /^#\d+ [\d.]+ ran-step$/m, 'the RUN step output as a log line of its vertex');
    assert.equal(await dockerOk(d, ['run', '--rm', 'bk-multi']), 'hello-context\nfrom-env\n/w\n');
    const ls = await dockerOk(d, ['run', '--rm', 'bk-multi', 'ls', '/']);
    assert.doesNotMatch(ls, /ignored/, '.dockerignore keeps files out of the context');
  });

  it('the same build again is served by the cache: CACHED steps, the same image', async () => {
    const first = await imageId('bk-multi');
    const dir = await context(multiStep);
    const r = await docker(['build', '--progress=plain', '-t', 'bk-multi2', dir]);
    assert.equal(r.code, 0, failure(r));
    assert.match(r.stderr, /\[3\/4\] RUN cat \/a.txt[^\n]*\n#\d+ CACHED/, r.stderr);
    assert.equal(await imageId('bk-multi2'), first);
  });

  it('a failing RUN fails the build with its exit code in BuildKit words', async () => {
    const dir = await context({ Dockerfile: 'FROM busybox\nRUN echo before\nRUN echo oops >&2 && exit 3\n' });
    const r = await docker(['build', '--progress=plain', '-t', 'bk-fail', dir]);
    assert.equal(r.code, 1, failure(r));
    assert.ok(r.stderr.includes('ERROR: failed to solve: process "/bin/sh -c echo oops >&2 && exit 3" did not complete successfully: exit code: 3'), r.stderr);
    assert.match(r.stderr, /^#\d+ [\d.]+ oops$/m, "the step's stderr is shown");
    assert.equal((await docker(['image', 'inspect', 'bk-fail'])).code, 1, 'no image is tagged');
    assert.equal(await dockerOk(d, ['ps', '-aq']), '', 'no step container is left');
  });

  it('a failing step and a bad instruction show their Dockerfile lines above the error, as BuildKit sends them', async () => {
    const dir = await context({ Dockerfile: 'FROM busybox\nRUN echo before\nRUN echo oops \\\n  && exit 3\nCMD ["x"]\n' });
    let r = await docker(['build', '--progress=plain', dir]);
    assert.equal(r.code, 1, failure(r));
    assert.ok(r.stderr.includes('Dockerfile:3\n--------------------\n'), r.stderr);
    assert.match(r.stderr, /^ +2 \| {5}RUN echo before$/m, r.stderr);
    assert.match(r.stderr, /^ +3 \| >>> RUN echo oops \\$/m, r.stderr);
    assert.match(r.stderr, /^ +4 \| >>> {3}&& exit 3$/m, 'a continued instruction is marked on all its lines');
    assert.match(r.stderr, /--------------------\nERROR: failed to solve: process "\/bin\/sh -c echo oops/, r.stderr);
    const bad = await context({ Dockerfile: 'FROM busybox\nFOO bar\n' });
    r = await docker(['build', '--progress=plain', bad]);
    assert.equal(r.code, 1, failure(r));
    assert.ok(r.stderr.includes('Dockerfile:2\n--------------------\n'), r.stderr);
    assert.match(r.stderr, /^ +2 \| >>> FOO bar$/m, r.stderr);
  });

  it('buildx build --load tags the image; --iidfile gets its ID', async () => {
    const dir = await context(multiStep);
    const iid = join(tmp, 'iid');
    const r = await docker(['buildx', 'build', '--load', '--iidfile', iid, '-t', 'bk-load:v1', dir]);
    assert.equal(r.code, 0, failure(r));
    assert.equal((await readFile(iid, 'utf8')).trim(), await imageId('bk-load:v1'));
  });

  it('--no-cache-filter rebuilds the named stage only', async () => {
    const dir = await context({ Dockerfile: 'FROM busybox AS base\nRUN echo base > /base\nFROM base AS app\nRUN echo app > /app\n' });
    let r = await docker(['build', '--progress=plain', '-t', 'bk-ncf', dir]);
    assert.equal(r.code, 0, failure(r));
    r = await docker(['build', '--progress=plain', '--no-cache-filter', 'app', '-t', 'bk-ncf', dir]);
    assert.equal(r.code, 0, failure(r));
    assert.match(r.stderr, /\] RUN echo base > \/base\n#\d+ CACHED/, r.stderr);
    assert.match(r.stderr, /\] RUN echo app > \/app\n(?!#\d+ CACHED)/, r.stderr);
    assert.doesNotMatch(r.stderr, /\] RUN echo app > \/app\n#\d+ CACHED/, r.stderr);
  });

  it('--metadata-file gets the moby exporter response; --label, --add-host and --network=none reach the build', async () => {
    const dir = await context({ Dockerfile: 'FROM busybox\nRUN grep bkhost /etc/hosts > /hosts; ls /sys/class/net > /nets\n' });
    const meta = join(tmp, 'metadata.json');
    const r = await docker([
      'build',
      '--metadata-file',
      meta,
      '--label',
      'org.berth.test=yes',
      '--add-host',
      'bkhost:10.1.2.3',
      '--network',
      'none',
      '-t',
      'bk-meta',
      dir,
    ]);
    assert.equal(r.code, 0, failure(r));
    const id = await imageId('bk-meta');
    const m = JSON.parse(await readFile(meta, 'utf8')) as Record<string, unknown>;
    assert.equal(m['containerimage.digest'], id);
    assert.equal(m['containerimage.config.digest'], id);
    assert.equal(m['image.name'], 'docker.io/library/bk-meta:latest');
    assert.match(String(m['buildx.build.ref']), /^default\/default\/\w+$/);
    assert.equal((m['containerimage.descriptor'] as { digest?: string } | undefined)?.digest, id, JSON.stringify(m));
    assert.equal(await dockerOk(d, ['image', 'inspect', '--format', '{{index .Config.Labels "org.berth.test"}}', 'bk-meta']), 'yes\n');
    assert.match(await dockerOk(d, ['run', '--rm', 'bk-meta', 'cat', '/hosts']), /^10\.1\.2\.3\s+bkhost$/m);
    assert.equal(await dockerOk(d, ['run', '--rm', 'bk-meta', 'cat', '/nets']), 'lo\n', 'the RUN step had no network but loopback');
  });

  it('buildx du lists the build cache; builder prune -f removes what only the cache keeps', async () => {
    // Step images no name keeps: a build without -t.
    const dir = await context({ Dockerfile: 'FROM busybox\nRUN echo one > /one\nRUN echo two > /two\n' });
    const r = await docker(['build', dir]);
    assert.equal(r.code, 0, failure(r));
    const du = await dockerOk(d, ['buildx', 'du']);
    assert.match(du, /^ID\s+RECLAIMABLE\s+SIZE\s+LAST ACCESSED/m, du);
    assert.match(du, /^Total:\s+\S+/m, du);
    const before = du.split('\n').filter((l) => /^[0-9a-z]{25}\s/.test(l)).length;
    assert.ok(before > 0, du);
    const pruned = await dockerOk(d, ['builder', 'prune', '-f']);
    assert.match(pruned, /^Total:\s+\S+/m, pruned);
    const removed = pruned.split('\n').filter((l) => /^[0-9a-z]{25}\s/.test(l)).length;
    assert.ok(removed >= 2, `both RUN steps of the untagged build are pruned:\n${pruned}`);
    const after = (await dockerOk(d, ['buildx', 'du'])).split('\n').filter((l) => /^[0-9a-z]{25}\s/.test(l)).length;
    assert.equal(after, before - removed);
    // What names keep stays: the first build still runs from its cache.
    assert.equal(await dockerOk(d, ['run', '--rm', 'bk-multi']), 'hello-context\nfrom-env\n/w\n');
  });

  it("BuildKit's platform ARGs are defined once declared", async () => {
    const dir = await context({
      Dockerfile: 'FROM busybox\nARG TARGETPLATFORM\nARG BUILDARCH\nRUN echo "$TARGETPLATFORM $BUILDARCH" > /p\nCMD ["cat", "/p"]\n',
    });
    const r = await docker(['build', '-t', 'bk-args', dir]);
    assert.equal(r.code, 0, failure(r));
    assert.equal(await dockerOk(d, ['run', '--rm', 'bk-args']), 'linux/amd64 amd64\n');
  });

  it('a Dockerfile that does not parse, and a foreign --platform, fail with the bare message', async () => {
    const bad = await context({ Dockerfile: 'FROM busybox\nFOO bar\n' });
    let r = await docker(['build', '--progress=plain', bad]);
    assert.equal(r.code, 1, failure(r));
    assert.match(r.stderr, /^ERROR: failed to solve: dockerfile parse error on line 2: unknown instruction: FOO/m, r.stderr);
    const ok = await context({ Dockerfile: 'FROM busybox\nRUN true\n' });
    r = await docker(['build', '--progress=plain', '--platform', 'linux/arm64', ok]);
    assert.equal(r.code, 1, failure(r));
    assert.match(r.stderr, /^ERROR: failed to solve: "linux\/arm64": platform not supported/m, r.stderr);
  });

  it('system df reports the build cache buildx du lists (records, API shapes by version), and builder prune -af empties both', async () => {
    const r = await docker(['build', await context({ Dockerfile: 'FROM busybox\nRUN echo df > /df\nRUN --mount=type=cache,target=/c echo x > /c/x\n' })]);
    assert.equal(r.code, 0, failure(r));
    const du = await dockerOk(d, ['buildx', 'du']);
    const duIds = du.split('\n').flatMap((l) => /^([0-9a-z]{25,64})\*?\s/.exec(l)?.[1] ?? []);
    assert.ok(duIds.length >= 3, du);
    const dfv = await dockerOk(d, ['system', 'df', '-v']);
    const dfIds = dfv.split('\n').flatMap((l) => /^([0-9a-z]{12,64})\s+(?:regular|exec\.cachemount)\s/.exec(l)?.[1] ?? []);
    assert.deepEqual(dfIds.map((id) => id.slice(0, 12)).sort(), duIds.map((id) => id.slice(0, 12)).sort(), `${dfv}\n${du}`);
    assert.match(await dockerOk(d, ['system', 'df']), new RegExp(`^Build Cache\\s+${duIds.length}\\s`, 'm'));
    type Rec = { ID: string; Parent?: string; Parents?: string[]; Type: string; Size: number };
    const old = (await d.api('GET', '/v1.41/system/df')).json as { BuildCache: Rec[]; BuilderSize: number };
    const now = (await d.api('GET', '/v1.44/system/df')).json as { BuildCache: Rec[]; BuilderSize?: number };
    assert.equal(old.BuildCache.length, duIds.length);
    assert.equal(
      old.BuilderSize,
      old.BuildCache.reduce((n, b) => n + b.Size, 0),
    );
    assert.ok(old.BuildCache.some((b) => b.Parent) && old.BuildCache.every((b) => b.Parents === undefined), 'Parent below 1.42');
    assert.ok(now.BuildCache.some((b) => b.Parents?.length) && now.BuildCache.every((b) => b.Parent === undefined), 'Parents from 1.42');
    assert.ok(now.BuildCache.some((b) => b.Type === 'exec.cachemount'));
    await dockerOk(d, ['builder', 'prune', '-af']);
    assert.match(await dockerOk(d, ['system', 'df']), /^Build Cache\s+0\s/m);
    assert.equal((await dockerOk(d, ['buildx', 'du'])).split('\n').filter((l) => /^[0-9a-z]{25,64}\*?\s/.test(l)).length, 0);
  });

  it(
    'compose v2 builds through BuildKit with no environment variable: build, up --build',
    { skip: existsSync(COMPOSE) ? false : `compose v2 not found at ${COMPOSE}` },
    async () => {
      await symlink(COMPOSE, join(d.dir, 'docker-config', 'cli-plugins', 'docker-compose')).catch(() => undefined);
      const dir = await context({
        'compose.yaml': 'services:\n  app:\n    build: .\n    image: bk-compose\n    command: ["cat", "/x"]\n',
        Dockerfile: 'FROM busybox\nRUN echo composed > /x\n',
      });
      const project = ['compose', '--project-directory', dir, '--project-name', 'bkcompose'];
      let r = await docker([...project, 'build']);
      assert.equal(r.code, 0, failure(r));
      assert.match(r.stderr + r.stdout, /\[app 2\/2\] RUN echo composed > \/x/);
      r = await docker([...project, 'up', '--build']);
      assert.equal(r.code, 0, failure(r));
      assert.match(r.stdout, /app-1 +\| composed/);
      await dockerOk(d, [...project, 'down']);
    },
  );

  it('the docker CLI without buildx still builds with the classic builder (POST /build)', async () => {
    const config = join(tmp, 'no-buildx');
    await mkdir(config, { recursive: true });
    await writeFile(join(config, 'config.json'), '{}\n');
    const dir = await context({ Dockerfile: 'FROM busybox\nRUN echo classic > /c\n' });
    const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: `unix://${d.socket}`, DOCKER_CONFIG: config, DOCKER_CLI_HINTS: 'false' };
    delete env['DOCKER_BUILDKIT'];
    const r = await runProgram('docker', ['build', '-t', 'bk-classic', dir], env, { timeoutMs: 120_000 });
    assert.equal(r.code, 0, failure(r));
    assert.match(r.stderr, /DEPRECATED: The legacy builder is deprecated/);
    assert.match(r.stdout, /Successfully tagged bk-classic:latest/);
  });
});

/** Sends a raw request on the daemon's socket, then `after` once the answer's head arrived; resolves the status line. */
function rawUpgrade(socket: string, request: string, after?: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(socket);
    let got = '';
    let rest = after;
    const timer = setTimeout(() => s.destroy(), 2000);
    s.on('data', (c: Buffer) => {
      got += c.toString('latin1');
      if (got.includes('\r\n\r\n') && rest) {
        s.write(rest);
        rest = undefined;
        setTimeout(() => s.destroy(), 300);
      }
    });
    s.on('error', () => s.destroy());
    s.on('close', () => {
      clearTimeout(timer);
      resolve(got.split('\r\n')[0] ?? '');
    });
    s.write(request);
  });
}

// No buildx needed: what any client can send to the BuildKit endpoints.
describe('BuildKit endpoints under hostile clients', () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ noBusybox: true });
  });
  after(async () => {
    await d?.stop();
  });

  it('_ping says Builder-Version 2, as dockerd on Linux', async () => {
    const r = await d.api('GET', '/_ping');
    assert.equal(r.headers['builder-version'], '2');
  });

  it('garbage after the h2c upgrade, a cut preface, a wrong protocol or no session ID leave berthd serving', async () => {
    const head = (path: string, extra = '', proto = 'h2c'): string =>
      `POST ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: ${proto}\r\n${extra}Content-Length: 0\r\n\r\n`;
    assert.equal(await rawUpgrade(d.socket, head('/grpc'), Buffer.from('GARBAGE GARBAGE\r\n\r\n')), 'HTTP/1.1 101 Switching Protocols');
    assert.equal(await rawUpgrade(d.socket, head('/grpc'), Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00')), 'HTTP/1.1 101 Switching Protocols');
    assert.equal(
      await rawUpgrade(d.socket, head('/session', 'X-Docker-Expose-Session-Uuid: s1\r\n'), Buffer.from('GARBAGE\r\n')),
      'HTTP/1.1 101 Switching Protocols',
    );
    assert.equal(await rawUpgrade(d.socket, head('/session')), 'HTTP/1.1 400 Bad Request');
    assert.equal(await rawUpgrade(d.socket, head('/grpc', '', 'websocket')), 'HTTP/1.1 400 Bad Request');
    const r = await d.api('GET', '/_ping');
    assert.equal(r.status, 200, d.log().slice(-2000));
    assert.doesNotMatch(d.log(), /uncaught|unhandled/i);
  });
});
