import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runProgram } from './clients.js';
import { eventually, processAlive, startDaemon, type Daemon } from './harness.js';

const BERTHD = join(ROOT, 'dist', 'bin', 'berthd.mjs');
const berthd = (args: string[]) => runProgram(process.execPath, [BERTHD, ...args], process.env, { timeoutMs: 20_000 });

// daemon.json: the keys apply, bad files and flag/key conflicts refuse the start, --validate.
describe('daemon configuration', () => {
  it('--validate says "configuration OK" or names the problem', async () => {
    const d = await startDaemon({ noBusybox: true, config: { debug: true } });
    try {
      const ok = await berthd(['--validate', '--config-file', d.configFile]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(ok.stdout, 'configuration OK\n');
      writeFileSync(d.configFile, JSON.stringify({ debug: true, 'no-such-key': 1, other: 2 }));
      const bad = await berthd(['--validate', '--config-file', d.configFile]);
      assert.equal(bad.code, 1);
      assert.equal(bad.stdout, '');
      assert.match(
        bad.stderr,
        /unable to configure the Docker daemon with file .*daemon\.json: the following directives don't match any configuration option: no-such-key, other\n$/,
      );
      const conflict = await berthd(['--validate', '--config-file', d.configFile.replace('daemon.json', 'none.json')]);
      assert.equal(conflict.code, 1);
      assert.match(conflict.stderr, /none\.json: .*ENOENT/);
    } finally {
      await d.stop();
    }
  });

  it('a malformed daemon.json refuses the start and names the line and column', async () => {
    await assert.rejects(startDaemon({ noBusybox: true, config: '{\n  "debug": true,\n  "labels": ["a=b",]\n}\n' }), (err: Error) => {
      assert.match(err.message, /berthd exited during start-up/);
      assert.match(err.message, /failed to start daemon: unable to configure the Docker daemon with file .*daemon\.json: invalid JSON at line 3, column 20/);
      return true;
    });
  });

  it('a key given as flag and in the file refuses the start', async () => {
    await assert.rejects(
      startDaemon({
        noBusybox: true,
        config: { debug: false, 'registry-mirrors': ['https://m.example'] },
        args: ['-D', '--registry-mirror', 'https://n.example'],
      }),
      (err: Error) => {
        assert.match(
          err.message,
          /the following directives are specified both as a flag and in the configuration file: debug: \(from flag: true, from file: false\), registry-mirrors: \(from flag: \[https:\/\/n\.example\], from file: \[https:\/\/m\.example\]\)/,
        );
        return true;
      },
    );
  });
});

describe('daemon configuration applied, reloaded by SIGHUP', () => {
  let d: Daemon;
  const config = {
    labels: ['env=test'],
    dns: ['192.0.2.53'],
    'dns-search': ['corp.example'],
    'dns-opts': ['ndots:3'],
    'default-ulimits': { nproc: { Name: 'nproc', Soft: 1234, Hard: 2345 } },
    'max-concurrent-downloads': 2,
    'insecure-registries': ['registry.test:5000'],
  };
  before(async () => {
    d = await startDaemon({ config });
  });
  after(() => d?.stop());

  it('dns and default-ulimits reach containers; a container’s own values win', async () => {
    const r = await d.docker(['run', '--rm', 'busybox', 'sh', '-c', 'cat /etc/resolv.conf; ulimit -u; ulimit -Hu']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'search corp.example\nnameserver 192.0.2.53\noptions ndots:3\n1234\n2345\n');
    const own = await d.docker([
      'run',
      '--rm',
      '--dns',
      '192.0.2.99',
      '--ulimit',
      'nproc=50:60',
      'busybox',
      'sh',
      '-c',
      'grep nameserver /etc/resolv.conf; ulimit -u',
    ]);
    assert.equal(own.code, 0, own.stderr);
    assert.equal(own.stdout, 'nameserver 192.0.2.99\n50\n');
  });

  it('--runtime must name a configured runtime; the default is recorded', async () => {
    const bad = await d.docker(['run', '--runtime', 'nosuch', 'busybox', 'true']);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /Error response from daemon: Unknown runtime specified nosuch/);
    const ok = await d.docker(['create', '--name', 'rt', 'busybox', 'true']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((await d.docker(['inspect', '-f', '{{.HostConfig.Runtime}}', 'rt'])).stdout, 'runc\n');
    await d.docker(['rm', 'rt']);
  });

  it('info shows the configuration (both CLIs)', async () => {
    const r = await d.docker(['info', '--format', '{{json .Labels}} {{.Debug}} {{json .RegistryConfig.IndexConfigs}}']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\["env=test"\] false \{.*"registry\.test:5000":\{"Name":"registry\.test:5000","Mirrors":\[\],"Secure":false,"Official":false\}/);
    const text = await d.docker(['info']);
    assert.match(text.stdout, /\n Labels:\n {2}env=test\n/);
    assert.match(text.stdout, /\n Insecure Registries:\n {2}registry\.test:5000\n {2}127\.0\.0\.0\/8\n/);
  });

  it('SIGHUP reloads the reloadable keys, logs them and emits daemon reload', async () => {
    const since = (Date.now() / 1000).toFixed(3);
    writeFileSync(d.configFile, JSON.stringify({ ...config, debug: true, labels: ['env=prod', 'tier=1'], 'max-concurrent-downloads': 5, dns: ['192.0.2.54'] }));
    process.kill(d.pid, 'SIGHUP');
    const info = await eventually('the reload', async () => {
      const r = await d.api('GET', '/v1.41/info');
      const i = r.json as { Debug: boolean; Labels: string[] };
      return i.Debug ? i : undefined;
    });
    assert.deepEqual(info.Labels, ['env=prod', 'tier=1']);
    assert.match(d.log(), /Reloaded configuration from .*daemon\.json: debug=true, labels=\["env=prod","tier=1"\], max-concurrent-downloads=5/);
    assert.match(d.log(), /not reloaded \(a restart applies them\): dns/);
    const until = (Date.now() / 1000 + 0.001).toFixed(3);
    const ev = await d.docker(['events', '--since', since, '--until', until, '--filter', 'type=daemon', '--format', '{{json .}}']);
    assert.equal(ev.code, 0, ev.stderr);
    const lines = ev.stdout.trim().split('\n');
    assert.equal(lines.length, 1, ev.stdout);
    const e = JSON.parse(lines[0]!) as { Type: string; Action: string; Actor: { ID: string; Attributes: Record<string, string> }; scope: string };
    assert.equal(e.Type, 'daemon');
    assert.equal(e.Action, 'reload');
    assert.equal(e.scope, 'local');
    assert.equal(e.Actor.ID, (info as unknown as { ID: string }).ID);
    assert.equal(e.Actor.Attributes.debug, 'true');
    assert.equal(e.Actor.Attributes.labels, '["env=prod","tier=1"]');
    assert.equal(e.Actor.Attributes['max-concurrent-downloads'], '5');
    assert.equal(e.Actor.Attributes['insecure-registries'], '["registry.test:5000"]');
    assert.ok(e.Actor.Attributes.name, 'the daemon name');
    // The dns change waits for a restart: new containers still get the old server.
    const r = await d.docker(['run', '--rm', 'busybox', 'grep', 'nameserver', '/etc/resolv.conf']);
    assert.equal(r.stdout, 'nameserver 192.0.2.53\n');
  });

  it('a broken file on SIGHUP changes nothing and the daemon keeps serving', async () => {
    writeFileSync(d.configFile, '{"debug": false,');
    process.kill(d.pid, 'SIGHUP');
    await eventually('the error in the log', async () =>
      /Error reconfiguring the daemon: unable to configure the Docker daemon with file .*: invalid JSON at line 1, column 17/.test(d.log()),
    );
    const r = await d.api('GET', '/v1.41/info');
    assert.equal((r.json as { Debug: boolean }).Debug, true);
  });
});

describe('daemon lifecycle', () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ config: { 'shutdown-timeout': 2 } });
  });
  after(() => d?.stop());

  it('a second berthd on the same exec root or data root is refused', async () => {
    const other = join(d.dir, 'other.sock');
    const same = await berthd(['-H', `unix://${other}`, '--data-root', d.dataRoot, '--exec-root', d.execRoot, '--config-file', d.configFile]);
    assert.equal(same.code, 1);
    assert.match(same.stderr, new RegExp(`failed to start daemon: pid file found, ensure berthd is not running or delete ${join(d.execRoot, 'berthd.pid')}`));
    const sameData = await berthd(['-H', `unix://${other}`, '--data-root', d.dataRoot, '--exec-root', join(d.dir, 'run2'), '--config-file', d.configFile]);
    assert.equal(sameData.code, 1);
    assert.match(sameData.stderr, new RegExp(`pid file found, ensure berthd is not running or delete ${join(d.dataRoot, 'berthd.pid')}`));
    assert.equal(existsSync(other), false);
    assert.equal(readFileSync(join(d.execRoot, 'berthd.pid'), 'utf8'), `${d.pid}\n`);
    assert.equal((await d.api('GET', '/_ping')).status, 200);
  });

  it('SIGTERM: exit 0, socket and pid files removed, containers keep running and are there after a restart', async () => {
    const run = await d.docker(['run', '-d', '--name', 'keeper', 'busybox', 'sleep', '1000']);
    assert.equal(run.code, 0, run.stderr);
    const pid = Number((await d.docker(['inspect', '-f', '{{.State.Pid}}', 'keeper'])).stdout.trim());
    // An events stream ends at once; an attached client is cut after shutdown-timeout (2 s here).
    const events = d.docker(['events']);
    const attached = d.docker(['attach', '--no-stdin', 'keeper']);
    await eventually('both clients connected', async () => ((await d.api('GET', '/v1.41/info')).json as { NEventsListener: number }).NEventsListener === 1);
    await new Promise((r) => setTimeout(r, 300)); // the attach request is on its way
    process.kill(d.pid, 'SIGTERM');
    const status = await eventually('berthd to exit', async () => d.exitStatus, 10_000);
    await Promise.all([events, attached]);
    assert.deepEqual(status, { code: 0, signal: null });
    assert.match(d.log(), /SIGTERM: shutting down; containers keep running/);
    assert.equal(existsSync(d.socket), false);
    assert.equal(existsSync(join(d.execRoot, 'berthd.pid')), false);
    assert.equal(existsSync(join(d.dataRoot, 'berthd.pid')), false);
    assert.ok(processAlive(pid), 'the container outlives the daemon');
    await d.restart();
    const ps = await d.docker(['ps', '--format', '{{.Names}} {{.State}}']);
    assert.equal(ps.stdout, 'keeper running\n');
    const exec = await d.docker(['exec', 'keeper', 'echo', 'still here']);
    assert.equal(exec.stdout, 'still here\n');
  });

  it('a stale pid file from a killed daemon is taken over', async () => {
    const before = d.pid;
    await d.kill9();
    assert.equal(readFileSync(join(d.execRoot, 'berthd.pid'), 'utf8'), `${before}\n`);
    await d.restart();
    assert.equal(readFileSync(join(d.execRoot, 'berthd.pid'), 'utf8'), `${d.pid}\n`);
    assert.equal((await d.docker(['ps', '-q'])).stdout.trim().split('\n').length, 1);
  });
});

const haveActivate = spawnSync('systemd-socket-activate', ['--version']).status === 0;

describe('socket activation (-H fd://)', { skip: haveActivate ? false : 'systemd-socket-activate is not installed' }, () => {
  it('serves on the socket systemd passes', async () => {
    const d = await startDaemon({ socketActivation: true });
    try {
      const r = await d.docker(['run', '--rm', 'busybox', 'echo', 'activated']);
      assert.equal(r.stdout, 'activated\n', r.stderr);
      assert.match(d.log(), /API listening on fd:\/\/3/);
    } finally {
      await d.stop();
    }
  });

  it('fd:// without passed sockets is refused', async () => {
    const r = await berthd(['-H', 'fd://', '--validate']);
    assert.equal(r.code, 0, 'validation does not open listeners');
    const d = await startDaemon({ noBusybox: true });
    try {
      const start = await berthd(['-H', 'fd://', '--data-root', join(d.dir, 'd2'), '--exec-root', join(d.dir, 'r2'), '--config-file', d.configFile]);
      assert.equal(start.code, 1);
      assert.match(start.stderr, /no sockets found via socket activation: make sure the service was started by systemd/);
    } finally {
      await d.stop();
    }
  });
});
