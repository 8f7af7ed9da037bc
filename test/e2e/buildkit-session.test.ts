import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTree } from './archive-util.js';
import { buildxSkip, installBuildx } from './buildx-plugin.js';
import type { RunResult } from './clients.js';
import { dockerOk, eventually, startDaemon, type Daemon } from './harness.js';
import { startRegistry, type TestRegistry } from './registry-util.js';

// What a BuildKit build asks of the client's session besides the context: registry credentials (Auth).
describe('BuildKit session services through buildx', { skip: buildxSkip }, () => {
  let tmp: string;
  let reg: TestRegistry;
  let pusher: Daemon;
  let d: Daemon;
  let n = 0;
  const stops: Array<() => Promise<void>> = [];
  const docker = (args: string[]): Promise<RunResult> => d.docker(args, { timeoutMs: 120_000 });
  const context = (files: Record<string, string>): Promise<string> => writeTree(join(tmp, `ctx${n++}`), files);
  const failure = (r: RunResult): string => `exit ${r.code}\nstderr: ${r.stderr}\nberthd log (tail):\n${d.log().slice(-3000)}`;

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'berth-bk-session-'));
    const htpasswd = join(tmp, 'htpasswd');
    await writeFile(htpasswd, execFileSync('htpasswd', ['-Bbn', 'alice', 's3cret']).toString());
    reg = await startRegistry(join(tmp, 'registry'), { htpasswd });
    stops.push(() => reg.stop());
    pusher = await startDaemon();
    stops.push(() => pusher.stop());
    // The building daemon starts with an empty store: its FROM image can only come from the registry.
    d = await startDaemon({ noBusybox: true, config: { 'shutdown-timeout': 120 } });
    stops.push(() => d.stop());
    await installBuildx(d);
  });
  after(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it("a FROM image not in the store is pulled with the client's docker login credentials, asked through its session", async () => {
    const base = `${reg.host}/base/bb:1`;
    await dockerOk(pusher, ['login', '-u', 'alice', '-p', 's3cret', reg.host]);
    await dockerOk(pusher, ['tag', 'busybox', base]);
    await dockerOk(pusher, ['push', base]);
    const dir = await context({ Dockerfile: `FROM ${base}\nRUN echo built-on-pulled > /p\nCMD ["cat", "/p"]\n` });

    // Not logged in: the registry refuses the anonymous pull, and the build says so.
    let r = await docker(['build', '--progress=plain', '-t', 'bk-pulled', dir]);
    assert.equal(r.code, 1, failure(r));
    assert.match(
      r.stderr,
      new RegExp(
        `ERROR: failed to solve: ${base.replace(/[.]/g, '\\.')}: failed to resolve source metadata for ${base.replace(/[.]/g, '\\.')}: .*unauthorized`,
        'i',
      ),
    );

    await dockerOk(d, ['login', '-u', 'alice', '-p', 's3cret', reg.host]);
    r = await docker(['build', '--progress=plain', '-t', 'bk-pulled', dir]);
    assert.equal(r.code, 0, failure(r));
    assert.equal(await dockerOk(d, ['run', '--rm', 'bk-pulled']), 'built-on-pulled\n');
    assert.doesNotMatch(d.log(), /s3cret/, 'the password is never logged');
  });

  // Last: it stops the daemon.
  it('a stopping berthd closes its BuildKit connections: the build in progress fails, berthd does not wait out the shutdown timeout', async () => {
    const dir = await context({ Dockerfile: 'FROM bk-pulled\nRUN echo started && sleep 600\n' });
    const build = docker(['build', '--progress=plain', dir]);
    await eventually('the RUN step to run', async () => (await dockerOk(d, ['ps', '-q'])).trim() !== '', 60_000);
    process.kill(d.pid, 'SIGTERM');
    // shutdown-timeout is 120 s here: only connections berthd leaves open would make it wait that long.
    const status = await eventually('berthd to exit', async () => d.exitStatus, 60_000);
    assert.deepEqual(status, { code: 0, signal: null });
    const r = await build;
    assert.notEqual(r.code, 0, 'the client sees its build end with the daemon');
  });
});
