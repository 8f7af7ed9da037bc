import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busyboxRootfs, eventually, startDaemon, type Daemon } from './harness.js';

// Our CLI against a real berthd: flags, output shapes and exit codes as the docker CLI has them.
describe('berth CLI', () => {
  let d: Daemon;
  let tmp: string;
  before(async () => {
    d = await startDaemon();
    tmp = await mkdtemp(join(tmpdir(), 'berth-cli-'));
  });
  after(async () => {
    await d?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  it('run --rm prints output, separates streams and passes the exit code', async () => {
    const r = await d.berth(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
    const ps = await d.berth(['ps', '-a', '-q']);
    assert.equal(ps.stdout, '', 'the --rm container is gone');
  });

  it('run honours -e, --env-file, -w, -u, --entrypoint, --hostname, -l', async () => {
    const envFile = join(tmp, 'env');
    await writeFile(envFile, '# comment\nFROM_FILE=yes\n\n');
    const r = await d.berth([
      'run',
      '--rm',
      '-e',
      'A=1',
      '--env-file',
      envFile,
      '-w',
      '/tmp',
      '-u',
      'nobody',
      '--hostname',
      'box',
      '-l',
      'k=v',
      '--entrypoint',
      '/bin/sh',
      'busybox',
      '-c',
      'echo $A $FROM_FILE; pwd; id -u; hostname',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '1 yes\n/tmp\n65534\nbox\n');
  });

  it('--network host sees the host name; none has only lo', async () => {
    const host = await d.berth(['run', '--rm', '--network', 'host', 'busybox', 'hostname']);
    assert.equal(host.stdout.trim(), (await import('node:os')).hostname());
    const none = await d.berth(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'ls /sys/class/net']);
    assert.equal(none.stdout.trim(), 'lo');
  });

  it('manages a detached container: ps, logs, inspect, stop, start, restart, kill, wait, rm', async () => {
    const run = await d.berth(['run', '-d', '--name', 'web', '-l', 'tier=front', 'busybox', 'sh', '-c', 'echo one; echo two; echo three; exec sleep 1000']);
    assert.equal(run.code, 0, run.stderr);
    const id = run.stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);

    const ps = await d.berth(['ps']);
    const [header, row] = ps.stdout.split('\n');
    assert.match(header!, /^CONTAINER ID {3}IMAGE {5}COMMAND +CREATED +STATUS +PORTS +NAMES$/);
    assert.match(row!, new RegExp(`^${id.slice(0, 12)}   busybox   "sh -c 'echo one; ec…"   .* ago +Up .* +web$`));
    assert.equal((await d.berth(['ps', '-q', '--no-trunc'])).stdout, `${id}\n`);
    assert.equal((await d.berth(['ps', '--filter', 'label=tier=front', '--format', '{{.Names}} {{.Label "tier"}}'])).stdout, 'web front\n');
    assert.equal((await d.berth(['ps', '--filter', 'label=tier=back', '-q'])).stdout, '');
    assert.equal((await d.berth(['ps', '-l', '--format', '{{.ID}}'])).stdout, `${id.slice(0, 12)}\n`);
    assert.match((await d.berth(['ps', '--format', '{{json .}}'])).stdout, /"Names":"web"/);

    assert.equal((await d.berth(['logs', 'web'])).stdout, 'one\ntwo\nthree\n');
    assert.equal((await d.berth(['logs', '--tail', '1', 'web'])).stdout, 'three\n');
    assert.match((await d.berth(['logs', '-t', '--tail', '2', 'web'])).stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z two\n/);
    assert.equal((await d.berth(['logs', '--since', '1h', 'web'])).stdout, 'one\ntwo\nthree\n');
    assert.equal((await d.berth(['logs', '--until', '1h', 'web'])).stdout, '');

    const pid = Number((await d.berth(['inspect', '-f', '{{.State.Pid}}', 'web'])).stdout);
    assert.ok(pid > 0);
    const inspect = JSON.parse((await d.berth(['inspect', 'web'])).stdout) as Array<{ Id: string; Config: { Labels: Record<string, string> } }>;
    assert.equal(inspect[0]!.Id, id);
    assert.equal(inspect[0]!.Config.Labels.tier, 'front');

    assert.equal((await d.berth(['stop', '-t', '1', 'web'])).stdout, 'web\n');
    assert.match((await d.berth(['ps', '-a', '--format', '{{.Status}}'])).stdout, /^Exited \(137\) .* ago\n$/);
    assert.equal((await d.berth(['wait', 'web'])).stdout, '137\n');

    assert.equal((await d.berth(['start', 'web'])).code, 0);
    assert.equal((await d.berth(['inspect', '-f', '{{.State.Running}}', 'web'])).stdout, 'true\n');
    const before = (await d.berth(['inspect', '-f', '{{.State.StartedAt}}', 'web'])).stdout;
    assert.equal((await d.berth(['restart', '-t', '1', 'web'])).code, 0);
    assert.notEqual((await d.berth(['inspect', '-f', '{{.State.StartedAt}}', 'web'])).stdout, before);

    const rmRunning = await d.berth(['rm', 'web']);
    assert.equal(rmRunning.code, 1);
    assert.match(rmRunning.stderr, /Error response from daemon: cannot remove container "\/web": container is running/);

    assert.equal((await d.berth(['kill', '-s', 'TERM', 'web'])).code, 0); // sh as PID 1 ignores TERM
    assert.equal((await d.berth(['kill', 'web'])).code, 0);
    assert.equal((await d.berth(['wait', 'web'])).stdout, '137\n');
    const killStopped = await d.berth(['kill', 'web']);
    assert.equal(killStopped.code, 1);
    assert.match(killStopped.stderr, /is not running/);
    assert.equal((await d.berth(['rm', '-v', 'web'])).stdout, 'web\n');
    assert.equal((await d.berth(['ps', '-a', '-q'])).stdout, '');
  });

  it('restart keeps a --rm container; stop then removes it', async () => {
    const id = (await d.berth(['run', '-d', '--rm', '--name', 'keep', 'busybox', 'sleep', '1000'])).stdout.trim();
    assert.equal((await d.berth(['restart', '-t', '0', 'keep'])).code, 0);
    assert.equal((await d.berth(['inspect', '-f', '{{.State.Status}}', 'keep'])).stdout, 'running\n');
    assert.equal((await d.berth(['stop', '-t', '0', 'keep'])).code, 0);
    await eventually('the --rm container is removed', async () => (await d.berth(['ps', '-a', '-q', '--no-trunc'])).stdout.includes(id) === false);
  });

  it('rm -f removes a running container', async () => {
    await d.berth(['run', '-d', '--name', 'doomed', 'busybox', 'sleep', '1000']);
    assert.equal((await d.berth(['rm', '-f', 'doomed'])).stdout, 'doomed\n');
    assert.equal((await d.berth(['ps', '-a', '-q'])).stdout, '');
  });

  it('ps -n and -a list stopped containers newest first', async () => {
    for (const n of ['c1', 'c2', 'c3']) await d.berth(['run', '--name', n, 'busybox', 'true']);
    assert.equal((await d.berth(['ps', '-a', '--format', '{{.Names}}'])).stdout, 'c3\nc2\nc1\n');
    assert.equal(
      (await d.berth(['ps', '-n', '2', '--format', '{{.Names}} {{.Status}}'])).stdout.replace(/ \d+ seconds?| Less than a second/g, ''),
      'c3 Exited (0) ago\nc2 Exited (0) ago\n',
    );
    assert.equal((await d.berth(['ps', '-a', '--filter', 'name=c2', '-q'])).stdout.trim().length, 12);
    assert.equal((await d.berth(['rm', 'c1', 'c2', 'c3'])).code, 0);
  });

  it('images, import with -c, inspect of an image, rmi', async () => {
    const images = await d.berth(['images']);
    assert.match(images.stdout, /^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE\nbusybox +latest +[0-9a-f]{12} +.* ago +\d/);
    const tar = await busyboxRootfs();
    const imp = await d.berth(['import', '-c', 'ENV FOO=bar', '-c', 'CMD ["sh", "-c", "echo $FOO"]', '-m', 'hello', tar, 'mine:1']);
    assert.equal(imp.code, 0, imp.stderr);
    assert.match(imp.stdout, /^sha256:[0-9a-f]{64}\n$/);
    assert.equal((await d.berth(['run', '--rm', 'mine:1'])).stdout, 'bar\n');
    assert.equal((await d.berth(['image', 'inspect', '-f', '{{.Comment}} {{.Config.Env}}', 'mine:1'])).stdout, 'hello [FOO=bar]\n');
    assert.equal((await d.berth(['images', 'mine', '--format', '{{.Repository}}:{{.Tag}}'])).stdout, 'mine:1\n');
    assert.equal((await d.berth(['images', '-q', '--no-trunc', 'mine'])).stdout, imp.stdout);

    const fromStdin = await d.berth(['import', '-', 'piped:latest'], { input: await (await import('node:fs/promises')).readFile(tar) });
    assert.equal(fromStdin.code, 0, fromStdin.stderr);

    const rmi = await d.berth(['rmi', 'mine:1', 'piped']);
    assert.equal(rmi.code, 0, rmi.stderr);
    assert.match(rmi.stdout, /^Untagged: mine:1\nDeleted: sha256:[0-9a-f]{64}\nUntagged: piped:latest\nDeleted: sha256:/);
    assert.equal((await d.berth(['images', '-q', 'mine'])).stdout, '');
  });

  it('rejects bad input with docker-like messages and exit codes, changing nothing', async () => {
    const missing = await d.berth(['run', 'nosuchimage']);
    assert.equal(missing.code, 125);
    assert.match(missing.stderr, /Unable to find image 'nosuchimage:latest' locally/);
    assert.equal((await d.berth(['ps', '-a', '-q'])).stdout, '', 'nothing created');

    assert.equal((await d.berth(['run', 'busybox', 'nosuchcmd'])).code, 127);
    assert.equal((await d.berth(['run', 'busybox', '/etc'])).code, 126);
    const flag = await d.berth(['run', '--no-such-flag', 'busybox']);
    assert.equal(flag.code, 125);
    assert.match(flag.stderr, /unknown flag: --no-such-flag\nSee 'berth run --help'\./);
    const since = await d.berth(['events', '--since', 'nonsense']);
    assert.equal(since.code, 125);
    assert.match(since.stderr, /See 'berth events --help'\./, 'the command path, not an option value');

    await d.berth(['create', '--name', 'dup', 'busybox', 'true']);
    const dup = await d.berth(['run', '--name', 'dup', 'busybox', 'true']);
    assert.equal(dup.code, 125);
    assert.match(dup.stderr, /Conflict\. The container name "\/dup" is already in use by container/);

    const notTar = join(tmp, 'not.tar');
    await writeFile(notTar, 'this is not a tar archive\n'.repeat(40));
    const before = (await d.berth(['images', '-q'])).stdout;
    const bad = await d.berth(['import', notTar, 'bad:1']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /not a tar archive/);
    assert.equal((await d.berth(['images', '-q'])).stdout, before);

    const noSuch = await d.berth(['inspect', 'nothing-here']);
    assert.equal(noSuch.code, 1);
    assert.match(noSuch.stderr, /Error: No such object: nothing-here/);
    assert.equal((await d.berth(['rm', 'nothing-here'])).stderr, 'Error response from daemon: No such container: nothing-here\n');
    const tmpl = await d.berth(['ps', '-a', '--format', '{{.Nope}}']);
    assert.notEqual(tmpl.code, 0);
    assert.match(tmpl.stderr, /can't evaluate field Nope/);
  });

  it('version and info talk to the daemon', async () => {
    assert.equal((await d.berth(['version', '--format', '{{.Server.ApiVersion}}'])).stdout, '1.56\n');
    assert.match((await d.berth(['info'])).stdout, /Storage Driver: overlayfs/);
    assert.equal((await d.berth(['info', '--format', '{{.Driver}}'])).stdout, 'overlayfs\n');
  });
});
