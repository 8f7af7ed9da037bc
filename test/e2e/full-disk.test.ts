import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, open, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProgram } from './clients.js';
import { eventually, mountsUnder, startDaemon, type Daemon, type RunResult } from './harness.js';

const sh = (file: string, args: string[]): Promise<{ ok: boolean; out: string }> =>
  new Promise((res) => execFile(file, args, { timeout: 30_000 }, (err, stdout, stderr) => res({ ok: err === null, out: `${stdout}${stderr}` })));

/** The Docker words for a full disk, and none of Node's (ENOSPC, or ENOENT from a recursive mkdir). */
function saysDiskFull(r: RunResult, what: string): void {
  assert.notEqual(r.code, 0, `${what} succeeded on a full disk: ${r.stdout}`);
  assert.match(r.stderr, /no space left on device/, `${what}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /ENOSPC|ENOENT|unexpected EOF/, `${what}: ${r.stderr}`);
}

/**
 * A full data root (ENOSPC): berthd's data root is a 64 MiB ext4 in a loop device, filled once
 * by a container's logs and once by a file in a volume. Every operation fails cleanly in Docker's
 * words and leaves nothing behind; removal needs no space; berthd restarts on the full disk with
 * its overlay driver; all works again once space is freed. Also a build error that used to kill
 * berthd (COPY to a 300-character name).
 */
describe('full disk', () => {
  let d: Daemon;
  let imgDir: string;
  let img: string;
  let ctx: string;
  const docker = (args: string[], timeoutMs = 60_000): Promise<RunResult> => d.docker(args, { timeoutMs });
  /** The docker CLI's classic builder (POST /build). */
  const build = (args: string[]): Promise<RunResult> =>
    runProgram(
      'docker',
      ['build', ...args],
      { ...process.env, DOCKER_HOST: `unix://${d.socket}`, DOCKER_CONFIG: join(d.dir, 'docker-config'), DOCKER_BUILDKIT: '0', DOCKER_CLI_HINTS: 'false' },
      { timeoutMs: 60_000 },
    );

  /**
   * True when a one-byte file cannot be written to the data root (ENOSPC). The probe is removed
   * either way; a failed one took nothing (a larger probe could take the last blocks and give them back).
   */
  const diskFull = async (): Promise<boolean> => {
    const probe = join(d.dataRoot, 'probe');
    try {
      await writeFile(probe, 'x');
      return false;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      return true;
    } finally {
      await rm(probe, { force: true });
    }
  };
  /**
   * Tops the disk up to really full: appends to `file` until ENOSPC, then fills the last free
   * blocks with one-byte files beside it (a small write needs fewer blocks set aside than a large
   * one), flushes (ext4 hands back blocks it had set aside for delayed allocation), and again
   * until a flushed disk takes not one more byte.
   */
  const fillUp = async (file: string): Promise<void> => {
    const write = async (path: string, flag: string, size: number): Promise<number> => {
      let wrote = 0;
      const fh = await open(path, flag);
      try {
        for (;;) {
          wrote += (await fh.write(Buffer.alloc(size))).bytesWritten;
          if (flag === 'w') return wrote;
        }
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
        return wrote;
      } finally {
        await fh.close();
      }
    };
    let n = 0;
    for (let round = 0; round < 20; round++) {
      let wrote = await write(file, 'a', 4096);
      for (;;) {
        const one = await write(`${file}.${n++}`, 'w', 1);
        if (one === 0) break;
        wrote += one;
      }
      await sh('sync', ['-f', file]);
      if (wrote === 0) return;
    }
    throw new Error('the disk does not fill up');
  };
  /** What failed operations may have left in the data root: spools, scratch snapshots, temp files. */
  const leftovers = async (): Promise<string[]> => {
    const out: string[] = [];
    for (const e of await readdir(join(d.dataRoot, 'tmp')).catch(() => [])) out.push(`tmp/${e}`);
    for (const e of await readdir(join(d.dataRoot, 'content', 'ingest')).catch(() => [])) out.push(`content/ingest/${e}`);
    for (const e of await readdir(join(d.dataRoot, 'snapshots', 'active')).catch(() => [])) if (e.startsWith('build-')) out.push(`snapshots/active/${e}`);
    for (const e of await readdir(join(d.dataRoot, 'snapshots', 'layers')).catch(() => [])) if (e.startsWith('.tmp-')) out.push(`snapshots/layers/${e}`);
    for (const e of (await readdir(d.dataRoot, { recursive: true })) as string[]) if (e.endsWith('.tmp')) out.push(e);
    for (const m of await mountsUnder(join(d.dataRoot, 'tmp'))) out.push(`mount ${m}`);
    return out;
  };
  /** Nothing left behind, once the requests have ended (a client stops reading at an error line). */
  const noLeftovers = async (what: string): Promise<void> => {
    await eventually(what, async () => (await leftovers()).length === 0, 10_000).catch(() => undefined);
    assert.deepEqual(await leftovers(), [], what);
  };
  /**
   * Files berthd holds open that are deleted (their space is not returned), or that belong to
   * layers, blobs or spools (no failed operation may keep one: only a GC would close it).
   */
  const heldOpen = async (): Promise<string[]> => {
    const out: string[] = [];
    const owned = ['snapshots', 'content', 'tmp'].map((p) => join(d.dataRoot, p) + '/');
    for (const fd of await readdir(`/proc/${d.pid}/fd`).catch(() => [])) {
      const target = await readlink(`/proc/${d.pid}/fd/${fd}`).catch(() => '');
      if (!target.startsWith(d.dataRoot)) continue;
      if (target.endsWith(' (deleted)') || owned.some((p) => target.startsWith(p))) out.push(target);
    }
    return out;
  };

  before(async () => {
    imgDir = await mkdtemp(join(tmpdir(), 'berth-fulldisk-'));
    img = join(imgDir, 'disk.img');
    ctx = join(imgDir, 'ctx');
    await mkdir(ctx);
    await writeFile(join(ctx, 'f'), 'hello\n');
    await writeFile(join(ctx, 'Dockerfile'), 'FROM busybox\nCOPY f /f\n');
    assert.ok((await sh('truncate', ['-s', '64M', img])).ok);
    assert.ok((await sh('mkfs.ext4', ['-q', img])).ok);
    d = await startDaemon({
      prepare: async (dir) => {
        await mkdir(join(dir, 'data'));
        const m = await sh('mount', ['-o', 'loop', img, join(dir, 'data')]);
        assert.ok(m.ok, m.out);
      },
    });
  });

  after(async () => {
    const mounted = d !== undefined ? await mountsUnder(d.dataRoot) : [];
    try {
      await d?.stop();
    } finally {
      for (const m of mounted.reverse()) if ((await mountsUnder(m)).length > 0) await sh('umount', ['-l', m]);
      // umount of a `-o loop` mount frees its device (autoclear); detach one that is still there.
      const loops = (await sh('losetup', ['-j', img])).out
        .split('\n')
        .map((l) => l.split(':')[0]!)
        .filter((l) => l.startsWith('/dev/loop'));
      for (const l of loops) await sh('losetup', ['-d', l]);
      await rm(imgDir, { recursive: true, force: true });
    }
  });

  it('records its storage driver in the data root', async () => {
    assert.equal((await readFile(join(d.dataRoot, 'snapshots', 'driver'), 'utf8')).trim(), 'overlayfs');
  });

  it('fails a COPY to a 300-character name with a clear error, stays up and leaves nothing behind', async () => {
    const dir = join(imgDir, 'longname');
    await mkdir(dir);
    await writeFile(join(dir, 'f'), 'x\n');
    await writeFile(join(dir, 'Dockerfile'), `FROM busybox\nCOPY f /${'a'.repeat(300)}\n`);
    const r = await build([dir]);
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /name too long/);
    assert.equal(d.exitStatus, undefined, `berthd exited:\n${d.log()}`);
    assert.equal((await d.api('GET', '/_ping')).status, 200);
    assert.doesNotMatch(d.log(), /uncaught|unhandled/i);
    await noLeftovers('the failed build left files behind');
  });

  it("stops writing logs at a full disk; run, create, volume create, build, commit, load fail in Docker's words; logs --tail and rm -f work", async () => {
    const line = '0123456789'.repeat(7);
    const spew = await docker(['run', '-d', '--name', 'spew', 'busybox', 'sh', '-c', `while :; do echo ${line}; done`]);
    assert.equal(spew.code, 0, spew.stderr);
    await eventually('the logs to fill the disk', diskFull, 60_000);
    // The pump says so once, and does not retry in a tight loop.
    await eventually('the pump to report the full disk', async () => /no space left on device: not converted until space is freed/.test(d.log()), 10_000);

    saysDiskFull(await docker(['run', '--rm', 'busybox', 'true']), 'run');
    saysDiskFull(await docker(['create', 'busybox']), 'create');
    saysDiskFull(await docker(['volume', 'create', 'full']), 'volume create');
    const apiCreate = await d.api('POST', '/v1.41/volumes/create', { Name: 'full2' });
    assert.equal(apiCreate.status, 503, apiCreate.body); // Unavailable: nothing wrong with the request, retry when space is freed
    saysDiskFull(await build([ctx]), 'build');
    saysDiskFull(await docker(['commit', 'spew', 'spewed']), 'commit');
    const tar = join(imgDir, 'busybox.tar');
    assert.equal((await docker(['save', '-o', tar, 'busybox'])).code, 0);
    saysDiskFull(await docker(['load', '-i', tar]), 'load');
    await noLeftovers('failed operations left files behind');
    assert.deepEqual(await heldOpen(), [], 'berthd holds files open');

    const tail = await docker(['logs', '--tail', '2', 'spew']);
    assert.equal(tail.code, 0, tail.stderr);
    assert.equal(tail.stdout, `${line}\n${line}\n`);

    const rm = await docker(['rm', '-f', 'spew'], 30_000);
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal((await docker(['ps', '-aq'])).stdout, '');
    assert.equal(await diskFull(), false, 'removing the container returned its space');
    await eventually('the container directory to go', async () => (await readdir(join(d.dataRoot, 'containers'))).length === 0, 10_000);
    await noLeftovers('removal left files behind');
  });

  it('removes an --rm container whose start hit a full disk once space is freed; restarts on a full disk keeping overlayfs', async () => {
    // Its start copies the image's /etc into the empty volume: that needs space.
    assert.equal((await docker(['create', '--rm', '--name', 'rmme', '-v', 'etc:/etc', 'busybox', 'true'])).code, 0);
    // A layer to commit: 2 MiB in the container's upper dir.
    const big = await docker(['run', '--name', 'big', 'busybox', 'dd', 'if=/dev/zero', 'of=/big', 'bs=1M', 'count=2']);
    assert.equal(big.code, 0, big.stderr);
    const fill = await docker(['run', '--rm', '-v', 'fill:/fill', 'busybox', 'sh', '-c', 'cat /dev/zero > /fill/big; true']);
    assert.equal(fill.code, 0, fill.stderr);
    // The --rm container's release runs after the answer and returns space: wait for it first.
    await eventually('the filler to be released', async () => (await readdir(join(d.dataRoot, 'containers'))).length === 2, 10_000);
    await fillUp(join(d.dataRoot, 'volumes', 'fill', '_data', 'big'));
    assert.equal(await diskFull(), true);

    saysDiskFull(await docker(['start', 'rmme']), 'start');
    saysDiskFull(await docker(['commit', 'big', 'bigger']), 'commit of a 2 MiB layer');
    await noLeftovers('the failed commit left files behind');
    assert.deepEqual(await heldOpen(), [], 'berthd holds files open after the failed commit');

    // What the failed start's clean-up gave back is taken again: berthd restarts on a full disk.
    await fillUp(join(d.dataRoot, 'volumes', 'fill', '_data', 'big'));
    assert.equal(await diskFull(), true);
    await d.restart();
    const info = await docker(['info', '--format', '{{.Driver}}']);
    assert.equal(info.stdout.trim(), 'overlayfs', info.stderr);
    assert.doesNotMatch(d.log(), /storage driver: vfs/);
    assert.match(d.log(), /keeping overlayfs/);

    const filled = join(d.dataRoot, 'volumes', 'fill', '_data');
    for (const f of await readdir(filled)) await rm(join(filled, f)); // what an administrator frees
    await eventually('the --rm container to be gone', async () => (await docker(['ps', '-aq', '--filter', 'name=rmme'])).stdout === '', 20_000);
  });

  it('works again once space is freed', async () => {
    const run = await docker(['run', '--rm', 'busybox', 'echo', 'ok']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'ok\n');
    const ok = (r: RunResult, what: string): void => assert.equal(r.code, 0, `${what}: ${r.stderr}`);
    ok(await docker(['volume', 'create', 'again']), 'volume create');
    ok(await build(['-q', ctx]), 'build');
    ok(await docker(['create', '--name', 'tocommit', 'busybox', 'true']), 'create');
    ok(await docker(['commit', 'tocommit', 'committed']), 'commit');
    const load = await docker(['load', '-i', join(imgDir, 'busybox.tar')]);
    assert.equal(load.code, 0, load.stderr);
    const logs = await docker(['run', '--name', 'talk', 'busybox', 'echo', 'again']);
    assert.equal(logs.stdout, 'again\n');
    assert.equal((await docker(['logs', 'talk'])).stdout, 'again\n');
  });
});
