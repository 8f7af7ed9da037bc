import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import { runProgram } from './clients.js';
import { eventually, startDaemon, type Daemon, type RunResult } from './harness.js';

/**
 * Runs a client under a pseudo-terminal (util-linux `script`; -e returns the client's status),
 * typing `chunks` one second apart (so keys arrive after the client has set raw mode).
 */
async function underPty(d: Daemon, client: 'berth' | 'docker', args: string[], chunks: string[] = []): Promise<RunResult> {
  const q = (a: string): string => `'${a.replace(/'/g, "'\\''")}'`;
  const bin = client === 'berth' ? `${q(process.execPath)} dist/bin/berth.cjs` : 'docker';
  const env = client === 'berth' ? `BERTH_HOST=unix://${d.socket}` : `DOCKER_HOST=unix://${d.socket} DOCKER_CONFIG=${d.dir}/docker-config`;
  const inner = `stty rows 30 cols 100; env ${env} ${bin} ${args.map(q).join(' ')}`;
  const feed = chunks.map((c) => `sleep 1; printf %s ${q(c)}`).join('; ');
  return runProgram('sh', ['-c', `(${feed || 'true'}; sleep 2) | script -qec ${q(inner)} /dev/null`], process.env);
}

// Interactive containers and exec, through our CLI and the docker CLI against a private berthd.
describe('interactive: exec, stdin, TTY', () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon();
    const r = await d.berth(['run', '-d', '--name', 'box', '-e', 'FROM_CTR=1', 'busybox', 'sleep', '1000']);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    if (process.env.BERTH_E2E_LOG) process.stderr.write(d?.log() ?? '');
    await d?.stop();
  });

  for (const client of ['berth', 'docker'] as const) {
    const cli = (args: string[], input?: string) => d[client](args, { input });

    it(`${client}: exec passes output streams and the exit code`, async () => {
      const r = await cli(['exec', 'box', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
      assert.equal(r.code, 3);
      assert.equal(r.stdout, 'out\n');
      assert.equal(r.stderr, 'err\n');
    });

    it(`${client}: exec -e -u -w and the container's env`, async () => {
      const r = await cli(['exec', '-e', 'A=1', '-u', 'nobody', '-w', '/tmp', 'box', 'sh', '-c', 'echo $A $FROM_CTR; id -u; pwd']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '1 1\n65534\n/tmp\n');
    });

    it(`${client}: exec -i sends stdin and its EOF`, async () => {
      const r = await cli(['exec', '-i', 'box', 'sh', '-c', 'cat; echo done'], 'hello\n');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'hello\ndone\n');
    });

    it(`${client}: exec of a missing command exits 127; -d returns at once`, async () => {
      const r = await cli(['exec', 'box', 'no-such-cmd']);
      assert.equal(r.code, 127);
      assert.match(r.stdout + r.stderr, /executable file not found/);
      const det = await cli(['exec', '-d', 'box', 'sh', '-c', 'echo x > /tmp/detached']);
      assert.equal(det.code, 0, det.stderr);
      const check = await cli(['exec', 'box', 'cat', '/tmp/detached']);
      assert.equal(check.stdout, 'x\n');
    });

    it(`${client}: exec --privileged gets the full capability set`, async () => {
      const plain = await cli(['exec', 'box', 'sh', '-c', 'grep CapEff /proc/self/status']);
      const priv = await cli(['exec', '--privileged', 'box', 'sh', '-c', 'grep CapEff /proc/self/status']);
      assert.notEqual(plain.stdout, priv.stdout);
    });

    it(`${client}: exec -t runs under a terminal`, async () => {
      const r = await underPty(d, client, ['exec', '-t', 'box', 'sh', '-c', 'tty; exit 5']);
      assert.equal(r.code, 5);
      assert.match(r.stdout, /\/dev\/pts\/\d+/);
    });

    it(`${client}: run -i --rm with piped stdin`, async () => {
      const r = await cli(['run', '-i', '--rm', 'busybox', 'cat'], 'hi\n');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'hi\n');
    });

    it(`${client}: run -it gives a terminal and passes the exit code`, async () => {
      const r = await underPty(d, client, ['run', '-it', '--rm', 'busybox', 'sh', '-c', 'tty; exit 4']);
      assert.equal(r.code, 4, r.stdout);
      assert.match(r.stdout, /\/dev\/pts\/0/);
    });
  }

  it('berth puts the terminal back after run -it: on exit and on SIGTERM', async () => {
    const bin = `'${process.execPath}' dist/bin/berth.cjs`;
    const inner = [
      `export BERTH_HOST=unix://${d.socket}`,
      `${bin} run -it --rm busybox true; stty -a | grep -o -- '-\\?icanon' | head -1`,
      `${bin} run -it --name term1 busybox sleep 30 & sleep 2; kill -TERM $!; wait $!; echo "status $?"; stty -a | grep -o -- '-\\?icanon' | head -1`,
    ].join('; ');
    const r = await runProgram('script', ['-qec', inner, '/dev/null'], process.env, { timeoutMs: 30_000 });
    assert.match(r.stdout, /^icanon\r?\n/m);
    assert.match(r.stdout, /status 143\r?\n(?:.*\n)*?icanon/);
    assert.doesNotMatch(r.stdout, /-icanon/);
    await d.berth(['rm', '-f', 'term1']);
  });

  it('run -dit, attach, detach keys, resize', async () => {
    const since = (Date.now() / 1000).toFixed(3);
    const run = await d.berth(['run', '-dit', '--name', 'tty1', 'busybox', 'sh']);
    assert.equal(run.code, 0, run.stderr);
    // Ctrl-P Ctrl-Q detaches: the CLI ends with 0 and the shell keeps running.
    const det = await underPty(d, 'berth', ['attach', 'tty1'], ['echo via-attach\n', '\x10\x11']);
    assert.equal(det.code, 0, det.stdout);
    assert.match(det.stdout, /via-attach/);
    assert.equal((await d.berth(['inspect', '-f', '{{.State.Running}}', 'tty1'])).stdout, 'true\n');
    const dockerDet = await underPty(d, 'docker', ['attach', '--detach-keys', 'ctrl-a', 'tty1'], ['echo again\n', '\x01']);
    // The docker CLI notices the keys itself too; it ends with "read escape sequence" (status 1).
    assert.match(dockerDet.stdout, /again/);
    assert.equal((await d.berth(['inspect', '-f', '{{.State.Running}}', 'tty1'])).stdout, 'true\n');
    const resize = await d.api('POST', '/v1.41/containers/tty1/resize?h=33&w=111');
    assert.equal(resize.status, 200);
    const size = await d.berth(['exec', 'tty1', 'sh', '-c', 'stty size < /proc/1/fd/0']);
    assert.equal(size.stdout, '33 111\n', size.stderr);
    assert.equal((await d.api('POST', '/v1.41/containers/idle-none/resize?h=1&w=1')).status, 404);
    // Each of those is an event, as dockerd sends them: attach, detach, resize with the size.
    const until = (Date.now() / 1000 + 0.001).toFixed(3);
    const ev = await d.docker([
      'events',
      '--since',
      since,
      '--until',
      until,
      '--filter',
      'container=tty1',
      '--format',
      '{{.Action}}{{with .Actor.Attributes.height}} {{.}}x{{$.Actor.Attributes.width}}{{end}}',
    ]);
    const actions = ev.stdout.trim().split('\n');
    for (const a of ['create', 'start', 'attach', 'detach', 'resize 33x111']) assert.ok(actions.includes(a), `${a} in ${ev.stdout}`);
    assert.ok(actions.indexOf('attach') < actions.indexOf('detach'), ev.stdout);
  });

  it('an attached client gets the first output of a container it starts at once (no output lost to the race)', async () => {
    // As dockerode's run: attach (hijacked), and start the moment the 101 arrives. The output
    // subscription must exist by then; twenty quick containers make a lost first line likely if not.
    for (let i = 0; i < 20; i++) {
      const id = (await d.berth(['create', '--network', 'none', 'busybox', 'echo', `line ${i}`])).stdout.trim();
      const conn = createConnection(d.socket);
      const chunks: Buffer[] = [];
      let started: Promise<unknown> | undefined;
      const closed = new Promise<void>((resolve) => conn.on('close', () => resolve()));
      conn.on('data', (c: Buffer) => {
        chunks.push(c);
        if (started === undefined && Buffer.concat(chunks).includes('\r\n\r\n')) started = d.api('POST', `/containers/${id}/start`);
      });
      conn.write(
        `POST /v1.41/containers/${id}/attach?stream=1&stdout=1&stderr=1 HTTP/1.1\r\nHost: berth\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n`,
      );
      await closed;
      await started;
      const all = Buffer.concat(chunks);
      const body = all.subarray(all.indexOf('\r\n\r\n') + 4);
      // One multiplexed frame: stream 1 (stdout), length, payload.
      assert.equal(body.subarray(8).toString(), `line ${i}\n`, `run ${i}: ${JSON.stringify(all.toString())}`);
      await d.berth(['rm', id]);
    }
  });

  it('start -ai sends stdin to a created container', async () => {
    assert.equal((await d.berth(['create', '-i', '--name', 'cat1', 'busybox', 'cat'])).code, 0);
    const r = await d.berth(['start', '-ai', 'cat1'], { input: 'piped\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'piped\n');
  });

  it('pause, unpause, rename, top', async () => {
    for (const client of ['berth', 'docker'] as const) {
      assert.equal((await d[client](['pause', 'box'])).stdout, 'box\n');
      assert.equal((await d.berth(['inspect', '-f', '{{.State.Status}}', 'box'])).stdout, 'paused\n');
      const again = await d[client](['pause', 'box']);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /Error response from daemon: Container [0-9a-f]{64} is already paused/);
      const ex = await d.api('POST', '/v1.41/containers/box/exec', { Cmd: ['true'] });
      assert.equal(ex.status, 409);
      assert.equal((await d[client](['unpause', 'box'])).stdout, 'box\n');
      const not = await d[client](['unpause', 'box']);
      assert.match(not.stderr, /Container [0-9a-f]{64} is not paused/);
    }
    // A paused container: kill (but SIGKILL) is refused, stop thaws it so its signal arrives.
    assert.equal((await d.berth(['run', '-d', '--name', 'frozen', 'busybox', 'sh', '-c', 'trap "exit 7" TERM; while :; do sleep 0.1; done'])).code, 0);
    assert.equal((await d.berth(['pause', 'frozen'])).code, 0);
    const kill = await d.docker(['kill', '-s', 'TERM', 'frozen']);
    assert.match(kill.stderr, /is paused\. Unpause the container before stopping or killing/);
    assert.equal((await d.berth(['stop', '-t', '5', 'frozen'])).code, 0);
    assert.equal((await d.berth(['inspect', '-f', '{{.State.ExitCode}}', 'frozen'])).stdout, '7\n');
    assert.equal((await d.berth(['rename', 'box', 'box2'])).code, 0);
    assert.equal((await d.docker(['rename', 'box2', 'box'])).code, 0);
    assert.equal((await d.berth(['inspect', '-f', '{{.Name}}', 'box'])).stdout, '/box\n');
    const taken = await d.berth(['rename', 'box', 'tty1']);
    assert.equal(taken.code, 1);
    assert.match(taken.stderr, /is already in use/);
    for (const client of ['berth', 'docker'] as const) {
      const top = await d[client](['top', 'box']);
      assert.equal(top.code, 0, top.stderr);
      assert.match(top.stdout, /^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD\n/);
      assert.match(top.stdout, /sleep 1000\n/);
    }
    const aux = await d.api('GET', '/v1.41/containers/box/top?ps_args=aux');
    assert.equal(aux.status, 200);
    assert.equal((aux.json as { Titles: string[] }).Titles[0], 'USER');
  });

  it('update changes limits of a running container (cgroup files) and the restart policy', async () => {
    for (const client of ['berth', 'docker'] as const) {
      const mem = client === 'berth' ? '64m' : '96m';
      const r = await d[client]([
        'update',
        '--memory',
        mem,
        '--memory-swap',
        '-1',
        '--cpu-shares',
        '512',
        '--pids-limit',
        '50',
        '--cpus',
        '0.5',
        '--restart',
        'on-failure:2',
        'box',
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'box\n');
      const hc = JSON.parse((await d.berth(['inspect', '-f', '{{json .HostConfig}}', 'box'])).stdout) as Record<string, unknown>;
      assert.equal(hc.Memory, Number.parseInt(mem) * 1024 * 1024);
      assert.equal(hc.CpuShares, 512);
      assert.equal(hc.PidsLimit, 50);
      assert.equal(hc.NanoCpus, 500_000_000);
      assert.deepEqual(hc.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 2 });
      const limits = await d.berth([
        'exec',
        'box',
        'sh',
        '-c',
        'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.shares /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpu/cpu.cfs_quota_us',
      ]);
      assert.equal(limits.stdout, `${Number.parseInt(mem) * 1024 * 1024}\n512\n50\n50000\n`, limits.stderr);
    }
    const bad = await d.berth(['update', '--memory', '1k', 'box']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Minimum memory limit allowed is 6MB/);
  });

  it('stats --no-stream, --format, --all and the stats API', async () => {
    for (const client of ['berth', 'docker'] as const) {
      const r = await d[client](['stats', '--no-stream', 'box']);
      assert.equal(r.code, 0, r.stderr);
      const [header, row] = r.stdout.split('\n');
      assert.match(header!, /^CONTAINER ID +NAME +CPU % +MEM USAGE \/ LIMIT +MEM % +NET I\/O +BLOCK I\/O +PIDS$/);
      assert.match(
        row!,
        /^[0-9a-f]{12} +box +\d+\.\d\d% +[\d.]+[KMG]?i?B \/ [\d.]+[KMG]iB +\d+\.\d\d% +[\d.]+k?B \/ [\d.]+k?B +[\d.]+[kM]?B \/ [\d.]+[kM]?B +1$/,
      );
      const f = await d[client](['stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}}', 'box']);
      assert.equal(f.stdout, 'box 1\n');
      const all = await d[client](['stats', '--no-stream', '--all', '--format', '{{.Name}}']);
      assert.match(all.stdout, /idle|cat1/);
    }
    const one = await d.api('GET', '/v1.41/containers/box/stats?stream=0');
    const s = one.json as {
      memory_stats: { usage: number; limit: number };
      pids_stats: { current: number };
      cpu_stats: { cpu_usage: { total_usage: number } };
      precpu_stats: { cpu_usage: { total_usage: number } };
    };
    assert.ok(s.memory_stats.usage > 0);
    assert.equal(s.pids_stats.current, 1);
    assert.ok(s.cpu_stats.cpu_usage.total_usage >= s.precpu_stats.cpu_usage.total_usage);
  });

  it('--init runs the command under tini as pid 1', async () => {
    for (const client of ['berth', 'docker'] as const) {
      const r = await d[client](['run', '--rm', '--init', 'busybox', 'sh', '-c', 'cat /proc/1/cmdline | tr "\\0" " "; echo; echo $$']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^\/sbin\/docker-init -- sh -c .*\n(?!1\n)\d+\n$/);
    }
  });

  it('restart policies: on-failure:N with back-off, always until stopped', async () => {
    const r = await d.berth(['run', '-d', '--name', 'flaky', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'exit 3']);
    assert.equal(r.code, 0, r.stderr);
    await eventually(
      'two restarts',
      async () => (await d.berth(['inspect', '-f', '{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}', 'flaky'])).stdout === '2 exited 3\n',
      10_000,
    );
    await new Promise((res) => setTimeout(res, 1000));
    assert.equal((await d.berth(['inspect', '-f', '{{.RestartCount}}', 'flaky'])).stdout, '2\n', 'no third restart');

    assert.equal((await d.docker(['run', '-d', '--name', 'loop', '--restart', 'always', 'busybox', 'sleep', '0.2'])).code, 0);
    await eventually('a restart', async () => Number((await d.berth(['inspect', '-f', '{{.RestartCount}}', 'loop'])).stdout) >= 2, 10_000);
    assert.equal((await d.berth(['stop', '-t', '0', 'loop'])).code, 0);
    const count = (await d.berth(['inspect', '-f', '{{.RestartCount}}', 'loop'])).stdout;
    await new Promise((res) => setTimeout(res, 1500));
    assert.equal((await d.berth(['inspect', '-f', '{{.State.Status}} {{.RestartCount}}', 'loop'])).stdout, `exited ${count}`);
  });

  it('healthchecks: unhealthy after the retries, healthy when the probe passes', async () => {
    for (const client of ['berth', 'docker'] as const) {
      const name = `hc-${client}`;
      const r = await d[client]([
        'run',
        '-d',
        '--name',
        name,
        '--health-cmd',
        'test -f /tmp/ok',
        '--health-interval',
        '200ms',
        '--health-retries',
        '2',
        'busybox',
        'sleep',
        '1000',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const health = async (): Promise<string> =>
        (await d.berth(['inspect', '-f', '{{.State.Health.Status}} {{.State.Health.FailingStreak}}', name])).stdout.trim();
      await eventually('unhealthy', async () => /^unhealthy [2-9]/.test(await health()), 10_000);
      assert.match((await d.berth(['ps', '--filter', `name=${name}`, '--format', '{{.Status}}'])).stdout, /^Up .* \(unhealthy\)\n$/);
      assert.equal((await d.berth(['exec', name, 'touch', '/tmp/ok'])).code, 0);
      await eventually('healthy', async () => (await health()) === 'healthy 0', 10_000);
      const log = JSON.parse((await d.berth(['inspect', '-f', '{{json .State.Health.Log}}', name])).stdout) as Array<{ ExitCode: number }>;
      assert.equal(log.at(-1)!.ExitCode, 0);
      assert.equal((await d.berth(['rm', '-f', name])).code, 0);
    }
  });

  it('exec into a stopped container is a 409', async () => {
    const r = await d.berth(['create', '--name', 'idle', 'busybox', 'true']);
    assert.equal(r.code, 0, r.stderr);
    const id = r.stdout.trim();
    const api = await d.api('POST', '/v1.41/containers/idle/exec', { Cmd: ['true'] });
    assert.equal(api.status, 409);
    assert.deepEqual(api.json, { message: `Container ${id} is not running` });
    const cli = await d.docker(['exec', 'idle', 'true']);
    assert.equal(cli.code, 1);
    assert.match(cli.stderr, new RegExp(`Error response from daemon: Container ${id} is not running`));
  });

  it('exec inspect reports ExitCode, Running, Pid and ProcessConfig', async () => {
    const created = await d.api('POST', '/v1.41/containers/box/exec', { Cmd: ['sh', '-c', 'exit 6'], AttachStdout: true });
    assert.equal(created.status, 201);
    const id = (created.json as { Id: string }).Id;
    const before = (await d.api('GET', `/v1.41/exec/${id}/json`)).json as Record<string, unknown>;
    assert.equal(before.Running, false);
    assert.equal(before.ExitCode, null);
    const start = await d.api('POST', `/v1.41/exec/${id}/start`, { Detach: true });
    assert.equal(start.status, 200);
    let info: Record<string, unknown> = {};
    for (let i = 0; i < 100 && info.ExitCode !== 6; i++) {
      info = (await d.api('GET', `/v1.41/exec/${id}/json`)).json as Record<string, unknown>;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(info.ExitCode, 6);
    assert.equal(info.Running, false);
    assert.ok((info.Pid as number) > 0);
    assert.deepEqual(info.ProcessConfig, { arguments: ['-c', 'exit 6'], entrypoint: 'sh', privileged: false, tty: false, user: '' });
    assert.equal((await d.api('POST', `/v1.41/exec/${id}/start`, { Detach: true })).status, 409);
    assert.equal((await d.api('GET', '/v1.41/exec/nope/json')).status, 404);
  });
});
