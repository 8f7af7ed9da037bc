import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildkitSuite, buildxSkip } from './buildx-plugin.js';
import { runProgram, type RunResult } from './clients.js';
import { dockerOk, type Daemon } from './harness.js';

// `RUN --mount` (cache, tmpfs, bind, secret) through buildx against berthd, and the classic builder's refusal.
describe('BuildKit RUN --mount through buildx', { skip: buildxSkip }, () => {
  let d: Daemon;
  let tmp: string;
  const { docker, context, failure } = buildkitSuite('berth-bk-mounts-', (daemon, dir) => ((d = daemon), (tmp = dir)));
  const build = async (tag: string, files: Record<string, string>, extra: string[] = [], env?: NodeJS.ProcessEnv): Promise<RunResult> => {
    const r = await docker(['build', '--progress=plain', ...extra, '-t', tag, await context(files)], env);
    assert.equal(r.code, 0, failure(r));
    return r;
  };
  const sh = (image: string, cmd: string): Promise<string> => dockerOk(d, ['run', '--rm', image, 'sh', '-c', cmd]);

  it('a cache mount persists across builds, stays out of the image, shows in buildx du and goes with builder prune', async () => {
    const cacheRun = (cmd: string): Record<string, string> => ({ Dockerfile: `FROM busybox\nRUN --mount=type=cache,target=/cache,id=pkgs ${cmd}\n` });
    await build('bk-cache1', cacheRun('sh -c "echo first-build >> /cache/log"'));
    await build('bk-cache2', cacheRun('cp /cache/log /seen'));
    assert.equal(await sh('bk-cache2', 'cat /seen'), 'first-build\n', "the second build saw the first's file");
    assert.equal(await sh('bk-cache1', 'test -e /cache/log && echo leaked || echo absent'), 'absent\n', 'the cache is not in the layer');
    const du = await dockerOk(d, ['buildx', 'du', '--verbose']);
    assert.match(du, /exec\.cachemount/, du);
    assert.match(du, /cached mount \/cache from exec/, du);
    await dockerOk(d, ['builder', 'prune', '-af']);
    assert.doesNotMatch(await dockerOk(d, ['buildx', 'du', '--verbose']), /exec\.cachemount/);
    await build('bk-cache3', cacheRun('sh -c "ls /cache > /seen"'));
    assert.equal(await sh('bk-cache3', 'cat /seen'), '', 'prune emptied the cache');
  });

  it('a tmpfs mount is a tmpfs while the step runs and leaves nothing in the image', async () => {
    await build('bk-tmpfs', {
      Dockerfile:
        'FROM busybox\nRUN --mount=type=tmpfs,target=/scratch,size=1m sh -c "grep \\" /scratch tmpfs\\" /proc/mounts > /mounted && echo x > /scratch/f"\n',
    });
    assert.match(await sh('bk-tmpfs', 'cat /mounted'), /size=1024k/);
    assert.equal(await sh('bk-tmpfs', 'test -e /scratch/f && echo leaked || echo absent'), 'absent\n');
  });

  it('a bind mount from the context is read-only unless rw, and rw writes are thrown away', async () => {
    const dir = await context({
      Dockerfile: [
        'FROM busybox',
        'RUN --mount=type=bind,source=data.txt,target=/in.txt cp /in.txt /copied',
        'RUN --mount=type=bind,target=/ctx sh -c "touch /ctx/x 2>/dev/null && echo writable > /ro || echo read-only > /ro"',
        'RUN --mount=type=bind,target=/ctx,rw sh -c "echo changed > /ctx/data.txt && cat /ctx/data.txt > /rw"',
        'RUN --mount=type=bind,target=/ctx cat /ctx/data.txt > /after',
        '',
      ].join('\n'),
      'data.txt': 'from-context\n',
    });
    const r = await docker(['build', '--progress=plain', '-t', 'bk-bind', dir]);
    assert.equal(r.code, 0, failure(r));
    assert.equal(await sh('bk-bind', 'cat /copied /ro /rw /after'), 'from-context\nread-only\nchanged\nfrom-context\n');
    assert.equal(await readFile(join(dir, 'data.txt'), 'utf8'), 'from-context\n', 'the context on the client is untouched');
  });

  it('RUN --mount targets the image lacked leave no mount points in the layer; paths it had, and what the step wrote, stay', async () => {
    await build('bk-stubs', {
      Dockerfile: [
        'FROM busybox',
        'RUN --mount=type=cache,target=/cache/deep/x --mount=type=tmpfs,target=/scratchdir --mount=type=bind,source=f.txt,target=/opt/in/f.txt \\',
        '    --mount=type=tmpfs,target=/tmp --mount=type=secret,id=none mkdir -p /opt/kept && cat /opt/in/f.txt > /opt/kept/copy',
        '',
      ].join('\n'),
      'f.txt': 'bound\n',
    });
    const out = await sh(
      'bk-stubs',
      'for p in /cache /scratchdir /opt/in /run/secrets; do test -e $p && echo "$p left"; done; cat /opt/kept/copy; test -d /tmp && echo tmp-kept',
    );
    assert.equal(out, 'bound\ntmp-kept\n');
  });

  it('a bind mount from a stage sees that stage, which is built first', async () => {
    await build('bk-bind-stage', {
      Dockerfile:
        'FROM busybox AS gen\nRUN echo generated > /out.txt\nFROM busybox\nRUN --mount=type=bind,from=gen,source=/out.txt,target=/in.txt cp /in.txt /got\n',
    });
    assert.equal(await sh('bk-bind-stage', 'cat /got'), 'generated\n');
  });

  it('secrets from a file and from the environment reach the step, never the image, its history or the cache key', async () => {
    const secretFile = join(tmp, 'secret.txt');
    await writeFile(secretFile, 'S3CRET-FROM-FILE');
    const files = {
      Dockerfile:
        'FROM busybox\nRUN --mount=type=secret,id=tok --mount=type=secret,id=envtok,env=TOKEN,required sh -c \'test "$(cat /run/secrets/tok)" = S3""CRET-FROM-FILE && test "$TOKEN" = S3""CRET-FROM-ENV && echo ok > /ok\'\n',
    };
    // The Dockerfile spells the values as "S3""CRET…" so that only a leaked secret matches /S3CRET/.
    const flags = ['--secret', `id=tok,src=${secretFile}`, '--secret', 'id=envtok,env=MY_TOKEN'];
    const env = { MY_TOKEN: 'S3CRET-FROM-ENV' };
    const r = await build('bk-secret', files, flags, env);
    assert.doesNotMatch(r.stderr, /S3CRET/);
    assert.equal(await sh('bk-secret', 'cat /ok; cat /run/secrets/tok 2>/dev/null; env | grep -c S3CRET || true'), 'ok\n0\n');
    assert.doesNotMatch(await dockerOk(d, ['history', '--no-trunc', 'bk-secret']), /S3CRET/);
    assert.doesNotMatch(await dockerOk(d, ['image', 'inspect', 'bk-secret']), /S3CRET/);
    const saved = join(tmp, 'bk-secret.tar');
    await dockerOk(d, ['save', '-o', saved, 'bk-secret']);
    const tar = await readFile(saved);
    const at = tar.indexOf('S3CRET');
    assert.ok(at < 0, `no layer holds a secret: ${tar.subarray(Math.max(0, at - 600), at + 100).toString('latin1')}`);
    // A changed secret does not rebuild the step (BuildKit's rule).
    await writeFile(secretFile, 'S3CRET-CHANGED');
    const again = await docker(['build', '--progress=plain', ...flags, '-t', 'bk-secret', await context(files)], env);
    assert.equal(again.code, 0, failure(again));
    assert.match(again.stderr, /RUN --mount=type=secret[^\n]*\n#\d+ CACHED/);
  });

  it("a required secret the client does not have fails the build with BuildKit's error", async () => {
    const r = await docker(['build', '--progress=plain', await context({ Dockerfile: 'FROM busybox\nRUN --mount=type=secret,id=missing,required true\n' })]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /secret missing: not found/);
    const optional = await docker([
      'build',
      '--progress=plain',
      await context({ Dockerfile: 'FROM busybox\nRUN --mount=type=secret,id=missing test ! -e /run/secrets/missing\n' }),
    ]);
    assert.equal(optional.code, 0, failure(optional));
  });

  it('the classic builder refuses RUN --mount as Docker does', async () => {
    const config = join(tmp, 'no-buildx');
    await mkdir(config, { recursive: true });
    await writeFile(join(config, 'config.json'), '{}\n');
    const dir = await context({ Dockerfile: 'FROM busybox\nRUN --mount=type=cache,target=/c true\n' });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DOCKER_HOST: `unix://${d.socket}`,
      DOCKER_CONFIG: config,
      DOCKER_CLI_HINTS: 'false',
      DOCKER_BUILDKIT: '0',
    };
    const r = await runProgram('docker', ['build', dir], env, { timeoutMs: 120_000 });
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /the --mount option requires BuildKit\. Refer to https:\/\/docs\.docker\.com\/go\/buildkit\/ to learn how to build images with BuildKit enabled/,
    );
  });
});
