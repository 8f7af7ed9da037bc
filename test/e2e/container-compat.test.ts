/**
 * Container behaviours real clients check against Docker (issue 21): stats' memory limit and the
 * sizes the CLIs print, exec of a command that cannot run, the HostConfig resource fields berth
 * used to refuse (DeviceCgroupRules, MemorySwappiness, CpuRealtime*, VolumeDriver) and
 * per-container OCI runtimes — through the docker CLI, the berth CLI, raw API and docker-py.
 */
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bytesSize } from '../../src/lib/go/units.js';
import { runProgram } from './clients.js';
import { dockerOk, startDaemon, type Daemon } from './harness.js';

const CPU_RT_PARENT = '/sys/fs/cgroup/cpu/berth';

async function py(d: Daemon, lines: string[]): Promise<string> {
  const script = ['import docker', `c = docker.DockerClient(base_url="unix://${d.socket}")`, ...lines].join('\n');
  const r = await runProgram('python3', ['-c', script], process.env, { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

describe('container compatibility', { timeout: 600_000 }, () => {
  let d: Daemon;
  let tools: string;
  let rtBefore: string | undefined;
  before(async () => {
    tools = await mkdtemp(join(tmpdir(), 'berth-rt-'));
    // A second runtime: runc behind a wrapper that notes each call (and its global options).
    await writeFile(join(tools, 'runc-wrapper'), `#!/bin/sh\necho "$*" >> ${tools}/calls\nexec /usr/sbin/runc "$@"\n`);
    await chmod(join(tools, 'runc-wrapper'), 0o755);
    rtBefore = await readFile(join(CPU_RT_PARENT, 'cpu.rt_runtime_us'), 'utf8').catch(() => undefined);
    d = await startDaemon({
      config: {
        runtimes: { wrapped: { path: join(tools, 'runc-wrapper'), runtimeArgs: ['--log-format=json'] } },
        'cpu-rt-runtime': 20000,
      },
    });
  });
  after(async () => {
    await d?.stop();
    // The containers' parent cgroup is shared by every berthd here: its real-time budget goes back.
    if (rtBefore !== undefined) await writeFile(join(CPU_RT_PARENT, 'cpu.rt_runtime_us'), rtBefore.trim()).catch(() => undefined);
    await rm(tools, { recursive: true, force: true });
  });

  it('stats: no memory limit reports the host memory; sizes printed as the docker CLI does', async () => {
    const free = (await dockerOk(d, ['run', '-d', 'busybox', 'sleep', '300'])).trim();
    const limited = (await dockerOk(d, ['run', '-d', '-m', '64m', 'busybox', 'sleep', '300'])).trim();
    const api = await d.api('GET', `/containers/${free}/stats?stream=false`);
    assert.equal((api.json as { memory_stats: { limit: number } }).memory_stats.limit, totalmem());
    const lim = await d.api('GET', `/containers/${limited}/stats?stream=false`);
    assert.equal((lim.json as { memory_stats: { limit: number } }).memory_stats.limit, 64 << 20);
    for (const [id, want] of [
      [free, bytesSize(totalmem())],
      [limited, '64MiB'],
    ] as const) {
      const viaDocker = await dockerOk(d, ['stats', '--no-stream', '--format', '{{.MemUsage}}', id]);
      assert.match(viaDocker.trim(), new RegExp(` / ${want}$`));
      const viaBerth = await d.berth(['stats', '--no-stream', '--format', '{{.MemUsage}}', id]);
      assert.equal(viaBerth.code, 0, viaBerth.stderr);
      assert.match(viaBerth.stdout.trim(), new RegExp(` / ${want}$`));
    }
    assert.equal(await py(d, [`print(c.containers.get("${free}").stats(stream=False)["memory_stats"]["limit"])`]), String(totalmem()));
    await dockerOk(d, ['rm', '-f', free, limited]);
  });

  it('exec of a command that cannot run: 127 not found, 126 not runnable (CLI, exec inspect, docker-py)', async () => {
    const id = (await dockerOk(d, ['run', '-d', 'busybox', 'sleep', '300'])).trim();
    const nf = await d.docker(['exec', id, 'nonexistent']);
    assert.equal(nf.code, 127);
    assert.match(nf.stdout, /OCI runtime exec failed: exec failed: .*exec: "nonexistent": executable file not found in \$PATH: unknown/);
    assert.equal((await d.docker(['exec', '-t', id, 'nonexistent'])).code, 127);
    assert.equal((await d.docker(['exec', id, '/etc'])).code, 126);
    const created = (await d.api('POST', `/containers/${id}/exec`, { Cmd: ['nonexistent'], AttachStdout: true })).json as { Id: string };
    assert.equal(
      (await d.api('GET', `/exec/${created.Id}/json`)).json && ((await d.api('GET', `/exec/${created.Id}/json`)).json as { ExitCode: unknown }).ExitCode,
      null,
    );
    const detached = await d.api('POST', `/exec/${created.Id}/start`, { Detach: true });
    assert.equal(detached.status, 400);
    assert.equal(((await d.api('GET', `/exec/${created.Id}/json`)).json as { ExitCode: number }).ExitCode, 127);
    assert.equal(await py(d, [`ct = c.containers.get("${id}")`, 'print(ct.exec_run(["nonexistent"])[0], ct.exec_run(["/etc"])[0])']), '127 126');
    await dockerOk(d, ['rm', '-f', id]);
  });

  it("DeviceCgroupRules: a rule opens a device class; a bad rule is Docker's 400", async () => {
    const probe = 'mknod /tmp/x c 42 1 && cat /tmp/x';
    const without = await d.docker(['run', '--rm', 'busybox', 'sh', '-c', probe]);
    assert.match(without.stderr + without.stdout, /Operation not permitted/);
    const withRule = await d.docker(['run', '--rm', '--device-cgroup-rule', 'c 42:* rmw', 'busybox', 'sh', '-c', probe]);
    assert.match(withRule.stderr + withRule.stdout, /No such device or address/);
    const bad = await d.api('POST', '/containers/create', { Image: 'busybox', HostConfig: { DeviceCgroupRules: ['x 1:2 rw'] } });
    assert.equal(bad.status, 400);
    assert.match(bad.body, /invalid device cgroup rule format: 'x 1:2 rw'/);
    const out = await py(d, [
      `print(c.containers.run("busybox", ["sh", "-c", "${probe} 2>&1; true"], remove=True, device_cgroup_rules=["c 42:* rmw"]).decode())`,
    ]);
    assert.match(out, /No such device or address/);
  });

  it("MemorySwappiness: set in the memory cgroup (cgroup v1); out of range is Docker's 400", async () => {
    const out = await dockerOk(d, ['run', '--rm', '--memory-swappiness', '7', 'busybox', 'cat', '/sys/fs/cgroup/memory/memory.swappiness']);
    assert.equal(out.trim(), '7');
    const bad = await d.api('POST', '/containers/create', { Image: 'busybox', HostConfig: { MemorySwappiness: 101 } });
    assert.equal(bad.status, 400);
    assert.match(bad.body, /Invalid value: 101, valid memory swappiness range is 0-100/);
    const viaPy = await py(d, [
      'print(c.containers.run("busybox", ["cat", "/sys/fs/cgroup/memory/memory.swappiness"], remove=True, mem_swappiness=9).decode().strip())',
    ]);
    assert.equal(viaPy, '9');
  });

  it("CpuRealtimePeriod/Runtime: given to the container's cgroup within the daemon's budget; Docker's checks", async () => {
    const out = await dockerOk(d, [
      'run',
      '--rm',
      '--cpu-rt-period',
      '1000000',
      '--cpu-rt-runtime',
      '10000',
      'busybox',
      'cat',
      '/sys/fs/cgroup/cpu/cpu.rt_runtime_us',
      '/sys/fs/cgroup/cpu/cpu.rt_period_us',
    ]);
    assert.deepEqual(out.trim().split('\n'), ['10000', '1000000']);
    const over = await d.api('POST', '/containers/create', { Image: 'busybox', HostConfig: { CpuRealtimePeriod: 1000, CpuRealtimeRuntime: 2000 } });
    assert.equal(over.status, 400);
    assert.match(over.body, /cpu real-time runtime cannot be higher than cpu real-time period/);
  });

  it("VolumeDriver: local works; another driver is Docker's plugin-not-found error", async () => {
    assert.equal(
      (await dockerOk(d, ['run', '--rm', '--volume-driver', 'local', '-v', 'vd-ok:/d', 'busybox', 'sh', '-c', 'echo ok > /d/f; cat /d/f'])).trim(),
      'ok',
    );
    // A 404, as Docker's: the docker CLI would take it for a missing image and pull, unless told not to.
    const r = await d.docker(['run', '--rm', '--pull', 'never', '--volume-driver', 'nope', '-v', 'vd-bad:/d', 'busybox', 'true']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /Error response from daemon: create vd-bad: error looking up volume plugin nope: plugin "nope" not found/);
    const api = await d.api('POST', '/containers/create', { Image: 'busybox', HostConfig: { VolumeDriver: 'nope', Binds: ['vd-bad:/d'] } });
    assert.equal(api.status, 404);
    assert.equal((await d.docker(['volume', 'inspect', 'vd-bad'])).code, 1);
  });

  it('the berth CLI has the same flags (--runtime, --memory-swappiness, --device-cgroup-rule, --cpu-rt-*, --volume-driver)', async () => {
    const run = async (args: string[]): Promise<string> => {
      const r = await d.berth(['run', '--rm', ...args]);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout.trim();
    };
    assert.equal(await run(['--memory-swappiness', '5', 'busybox', 'cat', '/sys/fs/cgroup/memory/memory.swappiness']), '5');
    assert.match(
      await run(['--device-cgroup-rule', 'c 42:* rmw', 'busybox', 'sh', '-c', 'mknod /tmp/x c 42 1 && cat /tmp/x 2>&1; true']),
      /No such device or address/,
    );
    assert.equal(await run(['--cpu-rt-runtime', '5000', 'busybox', 'cat', '/sys/fs/cgroup/cpu/cpu.rt_runtime_us']), '5000');
    assert.equal(await run(['--runtime', 'wrapped', '--volume-driver', 'local', '-v', 'berth-vd:/d', 'busybox', 'echo', 'ok']), 'ok');
    const bad = await d.berth(['run', '--rm', '--device-cgroup-rule', 'c 1:3', 'busybox', 'true']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /invalid device cgroup format 'c 1:3'/);
    const unknown = await d.berth(['run', '--rm', '--runtime', 'nope', 'busybox', 'true']);
    assert.equal(unknown.code, 125);
    assert.match(unknown.stderr, /Error response from daemon: Unknown runtime specified nope/);
  });

  it('runtimes: --runtime picks a daemon.json runtime for every call about the container, across a berthd restart', async () => {
    const info = JSON.parse(await dockerOk(d, ['info', '--format', '{{json .Runtimes}} {{.DefaultRuntime}}']).then((s) => s.trim().split(' ')[0]!)) as Record<
      string,
      { path: string; runtimeArgs?: string[] }
    >;
    assert.deepEqual(info.wrapped, { path: join(tools, 'runc-wrapper'), runtimeArgs: ['--log-format=json'] });
    assert.ok(info.runc);
    assert.match(await dockerOk(d, ['info', '--format', '{{.DefaultRuntime}}']), /^runc\s*$/);
    const bad = await d.docker(['run', '--rm', '--runtime', 'nope', 'busybox', 'true']);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /Error response from daemon: Unknown runtime specified nope/);

    assert.equal((await dockerOk(d, ['run', '--rm', '--runtime', 'wrapped', 'busybox', 'echo', 'hi'])).trim(), 'hi');
    const calls = async (): Promise<string[]> => (await readFile(join(tools, 'calls'), 'utf8').catch(() => '')).split('\n').filter((l) => l !== '');
    assert.ok(
      (await calls()).some((l) => l.startsWith('--log-format=json ') && / create /.test(` ${l} `)),
      (await calls()).join('\n'),
    );

    const id = (await dockerOk(d, ['run', '-d', '--runtime', 'wrapped', 'busybox', 'sleep', '300'])).trim();
    assert.equal((await dockerOk(d, ['inspect', '-f', '{{.HostConfig.Runtime}}', id])).trim(), 'wrapped');
    assert.equal((await dockerOk(d, ['exec', id, 'echo', 'in'])).trim(), 'in');
    assert.ok((await calls()).some((l) => / exec /.test(` ${l} `)));
    await dockerOk(d, ['update', '--memory', '64m', '--memory-swap', '128m', id]);
    assert.ok((await calls()).some((l) => / update /.test(` ${l} `)));
    await d.restart();
    const before = (await calls()).length;
    await dockerOk(d, ['stop', '-t', '1', id]);
    const after = (await calls()).slice(before);
    assert.ok(after.some((l) => / kill /.test(` ${l} `)) && after.some((l) => / delete /.test(` ${l} `)), after.join('\n'));
    // The default runtime is not the wrapper.
    const n = (await calls()).length;
    await dockerOk(d, ['run', '--rm', 'busybox', 'true']);
    assert.equal((await calls()).length, n);
    assert.equal(await py(d, ['print(c.containers.run("busybox", ["echo", "py"], remove=True, runtime="wrapped").decode().strip())']), 'py');
    await dockerOk(d, ['rm', '-f', id]);
  });
});
