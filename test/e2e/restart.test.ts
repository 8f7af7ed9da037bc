/**
 * Daemon survival: containers live under conmon, so a berthd killed with SIGKILL leaves them
 * running; the next berthd picks them up (live restore) and records exits that happened meanwhile.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cgroupsOf, conmonPids, isConmonOf, mountsUnder, processAlive, startDaemon, type Daemon, type RunOptions, dockerOk } from './harness.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const alive = processAlive;

const ok = (d: Daemon, args: string[], opts?: RunOptions): Promise<string> => dockerOk(d, args, opts ?? {});

const statusOf = async (d: Daemon, name: string): Promise<string> =>
  (await ok(d, ['ps', '-a', '--filter', `name=^${name}$`, '--format', '{{.Status}}'])).trim();

describe('berthd restart', () => {
  let d: Daemon;
  const ids: string[] = [];
  let conmons: number[] = [];

  before(async () => {
    d = await startDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  it('containers keep running through kill -9 of the daemon and are picked up again', async () => {
    ids.push((await ok(d, ['run', '-d', '--name', 'long', 'busybox', 'sh', '-c', 'echo still here; exec sleep 1000'])).trim());
    ids.push((await ok(d, ['run', '-d', '--name', 'short', 'busybox', 'sh', '-c', 'echo short lived; sleep 2; exit 7'])).trim());
    const pid = Number((await ok(d, ['inspect', '-f', '{{.State.Pid}}', 'long'])).trim());
    conmons = await conmonPids(d.dataRoot);
    assert.equal(conmons.length, 2, `conmon pids: ${conmons.join(' ')}`);

    const daemonPid = d.pid;
    await d.kill9();
    assert.ok(!alive(daemonPid), 'berthd survived SIGKILL');
    assert.ok(alive(pid), 'the container died with the daemon');
    for (const c of conmons) assert.ok(await isConmonOf(c, d.dataRoot), `conmon ${c} died with the daemon`);

    await sleep(3000); // `short` exits while no daemon is watching
    await d.restart();

    assert.match(await statusOf(d, 'long'), /^Up /);
    assert.equal((await ok(d, ['inspect', '-f', '{{.State.Pid}}', 'long'])).trim(), String(pid));
    const row = (await ok(d, ['ps'])).split('\n').find((l) => l.endsWith(' long'));
    assert.ok(row?.includes('Up '), row);
    assert.equal(await ok(d, ['logs', 'long']), 'still here\n');

    assert.match(await statusOf(d, 'short'), /^Exited \(7\) /);
    assert.equal((await ok(d, ['wait', 'short'])).trim(), '7');
    assert.equal(await ok(d, ['logs', 'short']), 'short lived\n');

    const t0 = Date.now();
    assert.equal((await ok(d, ['stop', '-t', '1', 'long'])).trim(), 'long');
    assert.ok(Date.now() - t0 < 5000, 'stop after restart took too long');
    assert.match(await statusOf(d, 'long'), /^Exited \(137\) /);
    assert.ok(!alive(pid), 'the container process survived stop');

    // The restarted daemon runs new containers too.
    assert.equal(await ok(d, ['run', '--rm', 'busybox', 'echo', 'fresh']), 'fresh\n');
  });

  it('a container started after a restart survives a second kill -9', async () => {
    ids.push((await ok(d, ['run', '-d', '--name', 'second', 'busybox', 'sleep', '1000'])).trim());
    const pid = Number((await ok(d, ['inspect', '-f', '{{.State.Pid}}', 'second'])).trim());
    conmons = [...new Set([...conmons, ...(await conmonPids(d.dataRoot))])];
    await d.kill9();
    await d.restart();
    assert.match(await statusOf(d, 'second'), /^Up /);
    assert.equal((await ok(d, ['inspect', '-f', '{{.State.Pid}}', 'second'])).trim(), String(pid));
    // Left running on purpose: stop() must remove it.
  });

  it('a container directory left without its record and with a mount in it is cleared at start', async () => {
    // What a create or removal that crashed half-way can leave: no record.json, a mounted rootfs.
    const orphan = join(d.dataRoot, 'containers', 'f'.repeat(64));
    await mkdir(join(orphan, 'rootfs'), { recursive: true });
    const mounted = spawnSync('mount', ['-t', 'tmpfs', 'tmpfs', join(orphan, 'rootfs')]);
    assert.equal(mounted.status, 0, String(mounted.stderr));
    await d.kill9();
    await d.restart();
    assert.ok(!existsSync(orphan), `${orphan} still exists`);
    assert.deepEqual(await mountsUnder(orphan), []);
    assert.equal((await ok(d, ['run', '--rm', 'busybox', 'true'])).trim(), '');
  });

  it('stop() leaves no conmon, mount, cgroup or directory behind', async () => {
    const dir = d.dir;
    await d.stop();
    for (const c of conmons) assert.ok(!(await isConmonOf(c, dir)), `conmon ${c} is still running`);
    assert.deepEqual(await mountsUnder(dir), []);
    assert.deepEqual(await cgroupsOf(ids), []);
    assert.ok(!existsSync(dir), `${dir} still exists`);
  });

  it('stop() also cleans up after a daemon that is dead', async () => {
    const d2 = await startDaemon();
    const dir = d2.dir;
    try {
      const id = (await ok(d2, ['run', '-d', 'busybox', 'sleep', '1000'])).trim();
      const pid = Number((await ok(d2, ['inspect', '-f', '{{.State.Pid}}', id])).trim());
      const cm = await conmonPids(d2.dataRoot);
      assert.equal(cm.length, 1);
      await d2.kill9();
      await d2.stop();
      assert.ok(!alive(pid), 'the container process survived stop()');
      assert.ok(!(await isConmonOf(cm[0]!, dir)), 'conmon survived stop()');
      assert.deepEqual(await mountsUnder(dir), []);
      assert.deepEqual(await cgroupsOf([id]), []);
      assert.ok(!existsSync(dir));
    } finally {
      await d2.stop();
    }
  });
});
