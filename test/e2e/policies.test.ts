import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { eventually, startDaemon, type Daemon } from './harness.js';

// Resource flags reach the cgroup, an OOM kill is reported, and restart policies hold across a daemon restart.
describe('resources and restart policies', () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon();
  });
  after(() => d?.stop());

  async function cgroupFile(name: string, controller: string, file: string): Promise<string> {
    const pid = (await d.berth(['inspect', '-f', '{{.State.Pid}}', name])).stdout.trim();
    const line = (await readFile(`/proc/${pid}/cgroup`, 'utf8')).split('\n').find((l) => l.split(':')[1]!.split(',').includes(controller))!;
    return (await readFile(`/sys/fs/cgroup/${controller}${line.split(':')[2]}/${file}`, 'utf8')).trim();
  }

  it('applies --cpu-quota/--cpu-period and --memory-reservation', async () => {
    const r = await d.berth([
      'run',
      '-d',
      '--name',
      'res',
      '--cpu-period',
      '100000',
      '--cpu-quota',
      '50000',
      '--memory-reservation',
      '10m',
      'busybox',
      'sleep',
      '1000',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await cgroupFile('res', 'cpu', 'cpu.cfs_quota_us'), '50000');
    assert.equal(await cgroupFile('res', 'memory', 'memory.soft_limit_in_bytes'), String(10 * 1024 * 1024));
    assert.equal((await d.berth(['inspect', '-f', '{{.HostConfig.CpuQuota}} {{.HostConfig.MemoryReservation}}', 'res'])).stdout, '50000 10485760\n');
    await d.berth(['rm', '-f', 'res']);
  });

  it('reports an OOM kill with exit 137 and OOMKilled', async () => {
    const r = await d.berth([
      'run',
      '--name',
      'hog',
      '--memory',
      '8m',
      '--memory-swap',
      '8m',
      'busybox',
      'sh',
      '-c',
      'x=0123456789; while true; do x="$x$x"; done',
    ]);
    assert.equal(r.code, 137, r.stderr);
    await eventually('OOMKilled is recorded', async () => (await d.berth(['inspect', '-f', '{{.State.OOMKilled}}', 'hog'])).stdout === 'true\n');
    await d.berth(['rm', 'hog']);
  });

  it('restarts always containers at daemon start, but not unless-stopped ones the user stopped', async () => {
    await d.berth(['run', '-d', '--name', 'always', '--restart', 'always', 'busybox', 'sleep', '1000']);
    await d.berth(['run', '-d', '--name', 'unless', '--restart', 'unless-stopped', 'busybox', 'sleep', '1000']);
    assert.equal((await d.berth(['stop', '-t', '0', 'always', 'unless'])).code, 0);
    assert.equal((await d.berth(['ps', '-q'])).stdout, '', 'a user stop is not undone by the policy');
    await d.kill9();
    await d.restart();
    await eventually('the always container runs again', async () => (await d.berth(['inspect', '-f', '{{.State.Status}}', 'always'])).stdout === 'running\n');
    assert.equal((await d.berth(['inspect', '-f', '{{.State.Status}}', 'unless'])).stdout, 'exited\n');
    await d.berth(['rm', '-f', 'always', 'unless']);
  });
});
