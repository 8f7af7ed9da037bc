import { after, before, describe, it } from 'node:test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { packDir } from '../../src/lib/archive/pack-dir.js';
import { chainIds, hexOf, type Digest } from '../../src/lib/digest.js';
import { writeTree } from './archive-util.js';
import { runProgram, type RunResult } from './clients.js';
import { startDaemon, type Daemon } from './harness.js';

interface Inspect {
  Id: string;
  Config: {
    Cmd: string[] | null;
    Entrypoint: string[] | null;
    Env: string[];
    WorkingDir: string;
    User: string;
    Labels: Record<string, string> | null;
    ExposedPorts?: Record<string, object>;
    Volumes?: Record<string, object>;
    Healthcheck?: { Test: string[]; Interval?: number };
    OnBuild?: string[] | null;
    StopSignal?: string;
  };
}

// `berth build` and the real docker CLI's classic builder (DOCKER_BUILDKIT=0) against berthd.
describe('build', () => {
  let d: Daemon;
  let tmp: string;
  let n = 0;
  const docker = (args: string[], input?: string): Promise<RunResult> =>
    runProgram(
      'docker',
      args,
      { ...process.env, DOCKER_HOST: `unix://${d.socket}`, DOCKER_CONFIG: join(d.dir, 'docker-config'), DOCKER_BUILDKIT: '0', DOCKER_CLI_HINTS: 'false' },
      { input, timeoutMs: 60_000 },
    );
  const berth = (args: string[], input?: string): Promise<RunResult> => d.berth(args, { input, timeoutMs: 60_000 });
  /** A fresh context directory with these files. */
  const context = (files: Record<string, string>): Promise<string> => writeTree(join(tmp, `ctx${n++}`), files);
  const inspect = async (ref: string): Promise<Inspect> => (JSON.parse((await berth(['image', 'inspect', ref])).stdout) as Inspect[])[0]!;
  const run = async (image: string, cmd: string): Promise<string> => {
    const r = await berth(['run', '--rm', '--entrypoint', '', image, 'sh', '-c', cmd]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };
  const noContainers = async (): Promise<void> => assert.equal((await berth(['ps', '-aq'])).stdout, '', 'no intermediate container left');

  before(async () => {
    d = await startDaemon();
    tmp = await mkdtemp(join(tmpdir(), 'berth-build-'));
  });
  after(async () => {
    await d?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  it('builds a multi-stage Dockerfile with heredocs, args and every config instruction', async () => {
    const dir = await context({
      'hello.sh': 'echo hello\n',
      Dockerfile: [
        '# syntax=docker/dockerfile:1',
        'ARG BASE=busybox',
        'FROM ${BASE} AS build',
        'ARG BASE',
        'WORKDIR /src',
        'COPY --chmod=755 hello.sh ./',
        'RUN <<EOF',
        'echo built > /src/out.txt',
        'EOF',
        'COPY <<EOT /src/note.txt',
        'note $BASE',
        'EOT',
        'FROM scratch AS unused',
        'RUN false',
        'from busybox',
        'ARG V=1',
        'ENV APP=/app \\',
        '    # a comment inside a continuation',
        '    V=${V}',
        'COPY --from=build /src/ /app/',
        'LABEL a=b "c d"="e f"',
        'EXPOSE 80 53/udp',
        'VOLUME /data',
        'USER 1000:1000',
        'HEALTHCHECK --interval=5s CMD true',
        'STOPSIGNAL SIGTERM',
        'ENTRYPOINT ["/bin/sh", "-c"]',
        'CMD ["cat /app/out.txt"]',
      ].join('\n'),
    });
    const r = await berth(['build', '-t', 'multi:1', '-t', 'multi:2', '--build-arg', 'V=2', dir]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /^Sending build context to Docker daemon {2}\S+\n\n/);
    assert.match(r.stdout, /Step 1\/18 : FROM \$\{BASE\} AS build\n ---> [0-9a-f]{12}\n/);
    assert.match(r.stdout, /Step 5\/18 : RUN <<EOF\n ---> Running in [0-9a-f]{12}\n ---> Removed intermediate container [0-9a-f]{12}\n ---> [0-9a-f]{12}\n/);
    assert.match(r.stdout, /Successfully built [0-9a-f]{12}\nSuccessfully tagged multi:1\nSuccessfully tagged multi:2\n$/);
    assert.doesNotMatch(r.stdout, /RUN false/, 'a stage the target does not need is skipped');
    const img = await inspect('multi:1');
    assert.deepEqual(img.Config.Cmd, ['cat /app/out.txt']);
    assert.deepEqual(img.Config.Entrypoint, ['/bin/sh', '-c']);
    assert.ok(img.Config.Env.includes('APP=/app') && img.Config.Env.includes('V=2'), img.Config.Env.join(' '));
    assert.deepEqual(img.Config.Labels, { a: 'b', 'c d': 'e f' });
    assert.deepEqual(img.Config.ExposedPorts, { '80/tcp': {}, '53/udp': {} });
    assert.deepEqual(img.Config.Volumes, { '/data': {} });
    assert.equal(img.Config.User, '1000:1000');
    assert.deepEqual(img.Config.Healthcheck, { Test: ['CMD-SHELL', 'true'], Interval: 5e9 });
    assert.equal(img.Config.StopSignal, 'SIGTERM');
    assert.equal((await berth(['run', '--rm', 'multi:1'])).stdout, 'built\n');
    assert.equal(await run('multi:1', 'cat /app/note.txt; stat -c %a /app/hello.sh'), 'note busybox\n755\n');
    await noContainers();
  });

  it('docker build: cache hits, invalidation from a changed file on, and a cache that survives a restart', async () => {
    const dir = await context({
      'a.txt': 'one\n',
      'b.txt': 'bee\n',
      Dockerfile: 'FROM busybox\nRUN echo first > /first\nCOPY a.txt /a.txt\nRUN cat /a.txt > /copy\nCOPY b.txt /b.txt\n',
    });
    const first = await docker(['build', '-t', 'cached', dir]);
    assert.equal(first.code, 0, first.stderr);
    assert.doesNotMatch(first.stdout, /Using cache/);
    const again = await docker(['build', '-t', 'cached', dir]);
    assert.equal((again.stdout.match(/ ---> Using cache/g) ?? []).length, 4, again.stdout);
    assert.equal(again.stdout.match(/Successfully built (\w+)/)![1], first.stdout.match(/Successfully built (\w+)/)![1]);

    await writeFile(join(dir, 'a.txt'), 'two\n');
    const changed = await berth(['build', '-t', 'cached', dir]);
    assert.equal(changed.code, 0, changed.stderr);
    const steps = changed.stdout.split(/Step \d\/5 : /).slice(1);
    assert.deepEqual(
      steps.map((s) => s.includes('Using cache')),
      [false, true, false, false, false],
      changed.stdout,
    );
    assert.equal(await run('cached', 'cat /copy'), 'two\n');

    await chmod(join(dir, 'b.txt'), 0o600);
    const mode = await berth(['build', dir]);
    assert.equal((mode.stdout.match(/Using cache/g) ?? []).length, 3, 'a mode change invalidates the COPY');

    await d.restart();
    const afterRestart = await berth(['build', '-q', dir]);
    assert.equal(afterRestart.code, 0, afterRestart.stderr);
    assert.match(afterRestart.stdout, /^sha256:[0-9a-f]{64}\n$/);
    const noCache = await berth(['build', '--no-cache', dir]);
    assert.doesNotMatch(noCache.stdout, /Using cache/);
    await noContainers();
  });

  it('runs ONBUILD triggers in the child build', async () => {
    const parent = await context({ Dockerfile: 'FROM busybox\nONBUILD COPY a.txt /from-child.txt\nONBUILD RUN echo triggered > /t\n' });
    assert.equal((await berth(['build', '-t', 'onbuild-parent', parent])).code, 0);
    assert.deepEqual((await inspect('onbuild-parent')).Config.OnBuild, ['COPY a.txt /from-child.txt', 'RUN echo triggered > /t']);
    const child = await context({ 'a.txt': 'child file\n', Dockerfile: 'FROM onbuild-parent\nCMD ["sh"]\n' });
    const r = await docker(['build', '-t', 'onbuild-child', child]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /# Executing 2 build triggers\n/);
    assert.equal(await run('onbuild-child', 'cat /from-child.txt /t'), 'child file\ntriggered\n');
    assert.ok(!(await inspect('onbuild-child')).Config.OnBuild?.length, 'triggers are not inherited further');
  });

  it('applies .dockerignore with exceptions, and <Dockerfile>.dockerignore', async () => {
    const dir = await context({
      'keep.txt': 'k',
      'drop.txt': 'd',
      'logs/a.log': 'a',
      'logs/important.log': 'i',
      'sub/x.txt': 'x',
      '.dockerignore': '*.txt\n!keep.txt\nlogs\n!logs/important.log\n',
      Dockerfile: 'FROM busybox\nCOPY . /ctx/\n',
      'alt.Dockerfile': 'FROM busybox\nCOPY . /ctx/\n',
      'alt.Dockerfile.dockerignore': 'sub\n',
    });
    assert.equal((await berth(['build', '-t', 'ignored', dir])).code, 0);
    assert.equal(
      await run('ignored', 'cd /ctx && find . -type f | sort'),
      './.dockerignore\n./Dockerfile\n./alt.Dockerfile\n./alt.Dockerfile.dockerignore\n./keep.txt\n./logs/important.log\n./sub/x.txt\n',
    );
    const r = await docker(['build', '-q', '-f', join(dir, 'alt.Dockerfile'), '-t', 'ignored2', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(await run('ignored2', 'cd /ctx && find . -type f | sort'), /sub\/x.txt/);
  });

  it("a failing RUN: Docker's message, exit 1, nothing tagged, no container left", async () => {
    const dir = await context({ Dockerfile: 'FROM busybox\nRUN echo before\nRUN false\n' });
    for (const client of [berth, docker]) {
      const r = await client(['build', '-t', 'failed', dir]);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stdout, /Step 2\/3 : RUN echo before\n ---> (Using cache|Running in [0-9a-f]{12}\nbefore)\n/, 'RUN output is streamed');
      assert.match(r.stderr, /The command '\/bin\/sh -c false' returned a non-zero code: 1\n/);
      assert.notEqual((await berth(['image', 'inspect', 'failed'])).code, 0, 'nothing tagged');
      await noContainers();
    }
  });

  it('bad input: syntax errors with line numbers, context escapes, a missing target', async () => {
    const bad = await context({ Dockerfile: 'FROM busybox\n\nRUNN echo\n' });
    const r = await berth(['build', bad]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error response from daemon: dockerfile parse error on line 3: unknown instruction: RUNN (did you mean run?)\n');
    assert.match((await docker(['build', bad])).stderr, /dockerfile parse error on line 3: unknown instruction: RUNN/);

    const escape = await context({ Dockerfile: 'FROM busybox\nCOPY ../outside /x\n' });
    const e = await berth(['build', escape]);
    assert.equal(e.code, 1);
    assert.match(e.stderr, /forbidden path outside the build context: \.\.\/outside/);

    const link = await context({ Dockerfile: 'FROM busybox\nCOPY evil /e\n' });
    await symlink('/etc/hostname', join(link, 'evil'));
    const l = await berth(['build', link]);
    assert.equal(l.code, 1, 'a symlink to an absolute path stays inside the context');
    assert.match(l.stderr, /file not found in build context/);

    const target = await berth(['build', '--target', 'nope', link]);
    assert.equal(target.code, 1);
    assert.match(target.stderr, /failed to reach build target nope in Dockerfile/);
    const platform = await berth(['build', '--platform', 'linux/arm64', link]);
    assert.match(platform.stderr, /platform not supported/);
    await noContainers();
  });

  it('Dockerfile on stdin, a tar on stdin, --iidfile, --label and ADD of a local tar', async () => {
    const r = await berth(['build', '-t', 'stdin', '-'], 'FROM busybox\nENV FROM_STDIN=1\n');
    assert.equal(r.code, 0, r.stderr);
    assert.ok((await inspect('stdin')).Config.Env.includes('FROM_STDIN=1'));

    const dir = await context({ 'in/f.txt': 'in a tar\n', Dockerfile: 'FROM busybox\nADD files.tar /unpacked/\n' });
    assert.equal((await runProgram('tar', ['-cf', join(dir, 'files.tar'), '-C', join(dir, 'in'), 'f.txt'], process.env)).code, 0);
    const tar = join(tmp, 'ctx.tar');
    assert.equal((await runProgram('tar', ['-cf', tar, '-C', dir, '.'], process.env)).code, 0);
    const iid = join(tmp, 'iid');
    const t = await berth(['build', '--iidfile', iid, '--label', 'from=tar', '-t', 'fromtar', '-'], (await readFile(tar)) as unknown as string);
    assert.equal(t.code, 0, t.stderr);
    const img = await inspect('fromtar');
    assert.equal(await readFile(iid, 'utf8'), img.Id);
    assert.equal(img.Config.Labels?.from, 'tar');
    assert.equal(await run('fromtar', 'cat /unpacked/f.txt'), 'in a tar\n');
  });

  // A COPY's layer is packed with the content the COPY wrote instead of reading its files back:
  // each layer must still be the very tar a pack of its snapshot (the upper dir, committed in
  // place: copied-up parents, modes, owners, times) reading every file makes.
  it('COPY and ADD layers are the tar of what their snapshots hold on disk', async () => {
    const files: Record<string, string> = { 'one.txt': 'one\n', 'in/f.txt': 'in a tar\n' };
    for (let i = 0; i < 50; i++) files[`files/sub/f${i}.txt`] = `file ${i}\n`;
    files.Dockerfile = [
      'FROM busybox',
      'COPY files/ /copied/', // all new: the upper dir is committed in place
      'COPY files/ /etc/copied/', // /etc copied up: its origin xattr makes the blob be unpacked instead
      'COPY --chown=1:2 --chmod=640 one.txt /usr/bin/',
      'COPY <<EOF /etc/here.txt',
      'from a heredoc',
      'EOF',
      'ADD files.tar /etc/unpacked/',
      'WORKDIR /w/x',
    ].join('\n');
    const dir = await context(files);
    assert.equal((await runProgram('tar', ['-cf', join(dir, 'files.tar'), '-C', join(dir, 'in'), 'f.txt'], process.env)).code, 0);
    const r = await berth(['build', '-t', 'copied', dir]);
    assert.equal(r.code, 0, r.stderr);
    const img = JSON.parse((await berth(['image', 'inspect', 'copied'])).stdout) as Array<{ RootFS: { Layers: Digest[] } }>;
    const diffIds = img[0]!.RootFS.Layers;
    const base = JSON.parse((await berth(['image', 'inspect', 'busybox'])).stdout) as Array<{ RootFS: { Layers: Digest[] } }>;
    const own = diffIds.length - base[0]!.RootFS.Layers.length;
    assert.equal(own, 6);
    const chains = chainIds(diffIds);
    for (let i = diffIds.length - own; i < diffIds.length; i++) {
      const { stream, done } = packDir(join(d.dataRoot, 'snapshots', 'layers', hexOf(chains[i]!), 'diff'), { whiteouts: 'overlay' });
      const hash = createHash('sha256');
      for await (const chunk of stream as AsyncIterable<Buffer>) hash.update(chunk);
      await done;
      assert.equal(`sha256:${hash.digest('hex')}`, diffIds[i], `layer ${i}`);
    }
    assert.equal(
      await run('copied', 'cat /copied/sub/f3.txt /etc/copied/sub/f7.txt /etc/here.txt /etc/unpacked/f.txt; stat -c %a:%u:%g /usr/bin/one.txt'),
      'file 3\nfile 7\nfrom a heredoc\nin a tar\n640:1:2\n',
    );
  });

  it('ADD of an http:// URL on loopback', async () => {
    const http = createServer((_req, res) => res.writeHead(200).end('downloaded\n'));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    try {
      const port = (http.address() as AddressInfo).port;
      const dir = await context({ Dockerfile: `FROM busybox\nADD http://127.0.0.1:${port}/files/dl.txt /dl/\n` });
      const r = await berth(['build', '-t', 'fromurl', dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(await run('fromurl', 'cat /dl/dl.txt; stat -c %a /dl/dl.txt'), 'downloaded\n600\n');
    } finally {
      http.close();
    }
  });
});
