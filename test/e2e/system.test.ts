import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { startDaemon, type Daemon } from './harness.js';

const serverPart = (text: string): string => text.slice(text.indexOf('Server:'));

// info, version and system df: the facts of this machine, and the docker CLI's layout from both CLIs.
describe('system commands', () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ config: { labels: ['site=lab'], 'registry-mirrors': ['https://mirror.example'] } });
  });
  after(() => d?.stop());

  it('info reports this machine and the daemon', async () => {
    await d.docker(['run', '-d', '--name', 'up', 'busybox', 'sleep', '300']);
    await d.docker(['create', '--name', 'idle', 'busybox']);
    const r = await d.api('GET', '/v1.41/info');
    const i = r.json as Record<string, unknown>;
    assert.equal(i.Containers, 2);
    assert.equal(i.ContainersRunning, 1);
    assert.equal(i.ContainersStopped, 1);
    assert.equal(i.Images, 1);
    assert.equal(i.NCPU, cpus().length);
    assert.equal(i.MemTotal, totalmem());
    assert.equal(i.KernelVersion, release());
    const osRelease = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    assert.equal(i.OperatingSystem, osRelease);
    assert.equal(i.DockerRootDir, d.dataRoot);
    assert.deepEqual(i.Labels, ['site=lab']);
    assert.equal(i.DefaultRuntime, 'runc');
    assert.deepEqual(Object.keys(i.Runtimes as object), ['runc']);
    assert.equal(i.LiveRestoreEnabled, true);
    assert.equal((i.Swarm as { LocalNodeState: string }).LocalNodeState, 'inactive');
    assert.deepEqual((i.RegistryConfig as { Mirrors: string[] }).Mirrors, ['https://mirror.example']);
    assert.match((i.RuncCommit as { ID: string }).ID, /\S/);
    const cgroup2 = / \/sys\/fs\/cgroup [^\n]* - cgroup2 /.test(readFileSync('/proc/self/mountinfo', 'utf8'));
    assert.equal(i.CgroupVersion, cgroup2 ? '2' : '1');
  });

  it('berth info prints the Server section exactly as the docker CLI does', async () => {
    const docker = await d.docker(['info']);
    const berth = await d.berth(['info']);
    assert.equal(berth.code, 0, berth.stderr);
    assert.equal(serverPart(berth.stdout), serverPart(docker.stdout));
    assert.match(
      berth.stdout,
      /^Client:\n Version: {4}\S+\n Context: {4}default\n Debug Mode: false\n\nServer:\n Containers: 2\n {2}Running: 1\n {2}Paused: 0\n {2}Stopped: 1\n/,
    );
    assert.match(berth.stdout, /\n Labels:\n {2}site=lab\n/);
    assert.match(berth.stdout, /\n Registry Mirrors:\n {2}https:\/\/mirror\.example\n Live Restore Enabled: true\n/);
    const system = await d.berth(['system', 'info', '--format', '{{.Name}}']);
    assert.equal(system.stdout, `${((await d.api('GET', '/v1.41/info')).json as { Name: string }).Name}\n`);
  });

  it('version: client and server, Engine + runc + conmon, Node where Go was', async () => {
    const r = await d.docker(['version', '--format', '{{json .Server}}']);
    const s = JSON.parse(r.stdout) as { GoVersion: string; Components: Array<{ Name: string; Version: string }> };
    assert.equal(s.GoVersion, `node ${process.version}`);
    assert.deepEqual(
      s.Components.map((c) => c.Name),
      ['Engine', 'runc', 'conmon'],
    );
    assert.ok(
      s.Components.every((c) => /\d/.test(c.Version)),
      r.stdout,
    );
    const berth = await d.berth(['version']);
    assert.match(berth.stdout, /^Client:\n Version: +\S+\n API version: +1\.56\n Go version: +node v\d+/);
    assert.match(berth.stdout, /\nServer: berth\n Engine:\n {2}Version: +\S+\n {2}API version: +1\.56 \(minimum version 1\.24\)\n {2}Go version: +node v/);
    assert.equal(serverPart(berth.stdout).replace(/ +\n/g, '\n'), serverPart((await d.docker(['version'])).stdout).replace(/ +\n/g, '\n'));
  });

  it('system df [-v] counts volumes too, the same from both CLIs', async () => {
    assert.equal((await d.docker(['run', '--rm', '-v', 'dfvol:/d', 'busybox', 'sh', '-c', 'printf 12345 > /d/f'])).code, 0);
    assert.equal((await d.docker(['volume', 'create', 'spare'])).code, 0);
    const verbose = await d.berth(['system', 'df', '-v']);
    assert.match(verbose.stdout, /Local Volumes space usage:\n\nVOLUME NAME +LINKS +SIZE\ndfvol +0 +5B\nspare +0 +0B\n/);
    // The volumes and build cache tables (the others carry "N seconds ago", which may tick in between).
    const tail = (text: string): string => text.slice(text.indexOf('Local Volumes space usage:'));
    assert.equal(tail(verbose.stdout), tail((await d.docker(['system', 'df', '-v'])).stdout));
    const short = await d.berth(['system', 'df']);
    assert.match(short.stdout, /\nLocal Volumes +2 +0 +5B +5B \(100%\)\n/);
    assert.equal(short.stdout, (await d.docker(['system', 'df'])).stdout);
  });
});
