import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeTree } from './archive-util.js';
import type { RunResult } from './clients.js';
import { buildkitSuite, buildxSkip } from './buildx-plugin.js';
import { dockerOk, type Daemon } from './harness.js';

/** The bytes buildx reports for the build context's transfer (`#3 transferring context: 12.34kB 0.1s done`). */
function contextBytes(stderr: string): number {
  const m = /transferring context: (?:([\d.]+)([kMG]?B) )?/.exec(stderr.split('[internal] load build context')[1] ?? '');
  assert.ok(m, `a context transfer line in:\n${stderr}`);
  // Nothing sent: buildx writes no size (`transferring context: done`).
  return m[1] === undefined ? 0 : Number(m[1]) * ({ B: 1, kB: 1e3, MB: 1e6, GB: 1e9 } as Record<string, number>)[m[2]!]!;
}

// BuildKit's speed work: the context kept per session (only changed files cross again) and
// independent stages built side by side, through buildx against berthd.
describe('BuildKit: incremental context and parallel stages', { skip: buildxSkip }, () => {
  let d: Daemon;
  let tmp: string;
  const { docker, failure } = buildkitSuite('berth-bk-incremental-', (daemon, dir) => ((d = daemon), (tmp = dir)));
  const build = async (dir: string, tag: string, extra: string[] = []): Promise<RunResult> => {
    const r = await docker(['build', '--progress=plain', ...extra, '-t', tag, dir]);
    assert.equal(r.code, 0, failure(r));
    return r;
  };

  it('a second build gets only the changed file, rebuilds from the COPY that sees it, and a deleted file is gone', async () => {
    const dir = await writeTree(join(tmp, 'inc'), {
      Dockerfile: [
        'FROM busybox',
        'COPY keep.txt /keep.txt',
        'RUN echo early > /early',
        'COPY data/ /data/',
        'RUN cat /data/a.txt /data/b.txt > /all',
        'CMD ["sh", "-c", "cat /all; ls /data"]',
      ].join('\n'),
      'keep.txt': 'kept\n',
      'big.bin': 'x'.repeat(200_000),
      'data/a.txt': 'a-one\n',
      'data/b.txt': 'b-one\n',
      'data/gone.txt': 'going\n',
    });
    const first = await build(dir, 'bk-inc:1');
    assert.ok(contextBytes(first.stderr) >= 200_000, `the first build sends the whole context:\n${first.stderr}`);
    assert.equal(await dockerOk(d, ['run', '--rm', 'bk-inc:1']), 'a-one\nb-one\na.txt\nb.txt\ngone.txt\n');

    // Same size, new content (only the stat's mtime tells), and a deleted file.
    await writeFile(join(dir, 'data/b.txt'), 'b-two\n');
    await rm(join(dir, 'data/gone.txt'));
    const second = await build(dir, 'bk-inc:2');
    assert.ok(contextBytes(second.stderr) < 1000, `only the changed file crosses again:\n${second.stderr}`);
    assert.match(second.stderr, /\[2\/5\] COPY keep\.txt \/keep\.txt\n#\d+ CACHED/, second.stderr);
    assert.match(second.stderr, /\[3\/5\] RUN echo early[^\n]*\n#\d+ CACHED/, second.stderr);
    assert.doesNotMatch(second.stderr, /\[4\/5\] COPY data\/ \/data\/\n#\d+ CACHED/, 'the COPY of the changed directory runs again');
    assert.equal(await dockerOk(d, ['run', '--rm', 'bk-inc:2']), 'a-one\nb-two\na.txt\nb.txt\n');

    // Unchanged since: everything from the cache, the same image, nothing but the stats crosses.
    const third = await build(dir, 'bk-inc:3');
    assert.ok(contextBytes(third.stderr) < 1000, third.stderr);
    assert.equal(
      await dockerOk(d, ['image', 'inspect', '--format', '{{.Id}}', 'bk-inc:3']),
      await dockerOk(d, ['image', 'inspect', '--format', '{{.Id}}', 'bk-inc:2']),
    );

    // builder prune drops the kept context: the next build sends everything again.
    await dockerOk(d, ['builder', 'prune', '-af']);
    assert.deepEqual(await readdir(join(d.dataRoot, 'builder', 'contexts')), []);
    const fourth = await build(dir, 'bk-inc:4');
    assert.ok(contextBytes(fourth.stderr) >= 200_000, fourth.stderr);
    assert.equal(await dockerOk(d, ['run', '--rm', 'bk-inc:4']), 'a-one\nb-two\na.txt\nb.txt\n');
  });

  it('two independent stages are built side by side and the final stage sees both', async () => {
    // Stage a cannot finish before stage b has run: built one after the other, a would give up.
    const wait = 'i=0; until [ -e /meet/b-ran ]; do i=$((i+1)); [ $i -gt 600 ] && echo b-never-ran && exit 7; sleep 0.1; done';
    const dir = await writeTree(join(tmp, 'par'), {
      Dockerfile: [
        'FROM busybox AS a',
        `RUN --mount=type=cache,id=bk-meet,target=/meet,sharing=shared ${wait}; echo from-a > /a.txt`,
        'FROM busybox AS b',
        'RUN --mount=type=cache,id=bk-meet,target=/meet,sharing=shared touch /meet/b-ran && echo from-b > /b.txt',
        'FROM busybox',
        'COPY --from=a /a.txt /a.txt',
        'COPY --from=b /b.txt /b.txt',
        'CMD ["cat", "/a.txt", "/b.txt"]',
      ].join('\n'),
    });
    const r = await build(dir, 'bk-par');
    assert.match(r.stderr, /\[a 2\/2\] RUN/, r.stderr);
    assert.match(r.stderr, /\[b 2\/2\] RUN/, r.stderr);
    assert.equal(await dockerOk(d, ['run', '--rm', 'bk-par']), 'from-a\nfrom-b\n');
  });

  it('a stage that fails fails the build while another stage runs, leaving no step container', async () => {
    const dir = await writeTree(join(tmp, 'par-fail'), {
      Dockerfile: [
        'FROM busybox AS ok',
        'RUN echo fine > /fine',
        'RUN echo still > /still',
        'FROM busybox AS bad',
        'RUN exit 4',
        'FROM busybox',
        'COPY --from=ok /fine /fine',
        'COPY --from=bad /etc/hostname /h',
      ].join('\n'),
    });
    const r = await docker(['build', '--progress=plain', '-t', 'bk-par-fail', dir]);
    assert.equal(r.code, 1, failure(r));
    assert.ok(r.stderr.includes('ERROR: failed to solve: process "/bin/sh -c exit 4" did not complete successfully: exit code: 4'), r.stderr);
    assert.equal((await docker(['image', 'inspect', 'bk-par-fail'])).code, 1, 'no image is tagged');
    assert.equal(await dockerOk(d, ['ps', '-aq']), '', 'no step container is left');
  });
});
