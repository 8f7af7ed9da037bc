/**
 * Scenarios through the real docker CLI (28.x) against a real berthd: the output, exit codes and
 * error messages asserted here are what the docker CLI prints for Docker's own daemon.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { busyboxRootfs, eventually, startDaemon, type Daemon, type RunOptions } from './harness.js';

const HEX12 = /^[0-9a-f]{12}$/;
const HEX64 = /^[0-9a-f]{64}$/;

describe('docker CLI against berthd', () => {
  let d: Daemon;

  before(async () => {
    d = await startDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  /** Runs docker, asserts exit code 0, returns stdout. */
  async function ok(args: string[], opts?: RunOptions): Promise<string> {
    const r = await d.docker(args, opts);
    assert.equal(r.code, 0, `docker ${args.join(' ')} exited ${r.code}\nstderr: ${r.stderr}\nberthd log (tail):\n${d.log().slice(-2000)}`);
    return r.stdout;
  }

  const lines = (s: string): string[] => s.split('\n').filter((l) => l !== '');

  describe('run', () => {
    it('runs a command as root in its own pid and uts namespaces, and --rm removes it', async () => {
      const out = lines(await ok(['run', '--rm', 'busybox', 'sh', '-c', 'hostname; id; cat /proc/1/status']));
      const host = out[0]!;
      assert.match(host, HEX12);
      assert.match(out[1]!, /^uid=0\(root\) gid=0\(root\)/);
      assert.ok(out.includes('Pid:\t1'), `no "Pid:\\t1" in:\n${out.join('\n')}`);
      // The hostname is the container's short ID, and --rm has removed it by the time run returns.
      const all = lines(await ok(['ps', '-a', '-q', '--no-trunc']));
      assert.ok(!all.some((id) => id.startsWith(host)), 'the --rm container is still listed');
    });

    it('passes the exit code through', async () => {
      const r = await d.docker(['run', '--rm', 'busybox', 'sh', '-c', 'exit 3']);
      assert.equal(r.code, 3);
      assert.equal(r.stdout, '');
    });

    it('keeps stdout and stderr apart', async () => {
      const r = await d.docker(['run', '--rm', 'busybox', 'sh', '-c', 'echo to-out; echo to-err >&2; echo more-out']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'to-out\nmore-out\n');
      assert.equal(r.stderr, 'to-err\n');
    });

    it('create then start, with the output in logs', async () => {
      const id = (await ok(['create', '--name', 'made', 'busybox', 'echo', 'made it'])).trim();
      assert.match(id, HEX64);
      assert.equal((await ok(['ps', '-a', '--filter', 'name=made', '--format', '{{.Status}}'])).trim(), 'Created');
      assert.equal((await ok(['start', 'made'])).trim(), 'made');
      assert.equal((await ok(['wait', 'made'])).trim(), '0');
      assert.equal(await ok(['logs', 'made']), 'made it\n');
      assert.equal((await ok(['rm', 'made'])).trim(), 'made');
    });
  });

  describe('detached containers', () => {
    let webId = '';

    it('run -d prints the full ID', async () => {
      const out = await ok(['run', '-d', '--name', 'web', 'busybox', 'sleep', '1000']);
      assert.match(out, /^[0-9a-f]{64}\n$/);
      webId = out.trim();
    });

    it('ps shows it running, in the table and with --format and -q', async () => {
      const table = lines(await ok(['ps']));
      assert.match(table[0]!, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
      const row = table.find((l) => l.endsWith(' web'));
      assert.ok(row, `no row for web in:\n${table.join('\n')}`);
      assert.ok(row.startsWith(webId.slice(0, 12)), row);
      for (const part of ['busybox', '"sleep 1000"', 'Up ']) assert.ok(row.includes(part), `${part} missing from: ${row}`);

      const formatted = lines(await ok(['ps', '-a', '--format', '{{.Names}} {{.Status}}']));
      assert.ok(
        formatted.some((l) => /^web Up /.test(l)),
        formatted.join('\n'),
      );

      const ids = lines(await ok(['ps', '-q']));
      assert.ok(ids.length > 0);
      for (const id of ids) assert.match(id, HEX12);
      assert.ok(ids.includes(webId.slice(0, 12)));
    });

    it('inspect gives the pid of the container process', async () => {
      const pid = Number((await ok(['inspect', '-f', '{{.State.Pid}}', 'web'])).trim());
      assert.ok(pid > 1, `pid ${pid}`);
      assert.ok(existsSync(`/proc/${pid}`), `no /proc/${pid}`);
      const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
      assert.deepEqual(cmdline.slice(0, 2), ['sleep', '1000']);
      assert.equal((await ok(['inspect', '-f', '{{.State.Status}} {{.State.Running}} {{.Name}} {{.Id}}', 'web'])).trim(), `running true /web ${webId}`);
    });

    it('logs: both streams, --tail, -t', async () => {
      await ok(['run', '-d', '--name', 'echoer', 'busybox', 'sh', '-c', 'echo one; echo two; echo three; echo oops >&2']);
      assert.equal((await ok(['wait', 'echoer'])).trim(), '0');
      const all = await d.docker(['logs', 'echoer']);
      assert.equal(all.code, 0, all.stderr);
      assert.equal(all.stdout, 'one\ntwo\nthree\n');
      assert.equal(all.stderr, 'oops\n');

      const tail = await d.docker(['logs', '--tail', '2', 'echoer']);
      assert.equal(tail.stdout, 'three\n');
      assert.equal(tail.stderr, 'oops\n');
      assert.equal((await d.docker(['logs', '--tail', '1', 'echoer'])).stdout, '');

      const stamped = lines(await ok(['logs', '-t', 'echoer']));
      assert.equal(stamped.length, 3);
      stamped.forEach((l, i) => assert.match(l, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+Z ${['one', 'two', 'three'][i]}$`)));
      const t = Date.parse(stamped[0]!.split(' ')[0]!);
      assert.ok(Math.abs(Date.now() - t) < 60_000, `timestamp ${stamped[0]} is not recent`);
      await ok(['rm', 'echoer']);
    });

    it('stop -t 1 kills a sleep that ignores SIGTERM, then ps -a shows Exited (137)', async () => {
      const t0 = Date.now();
      assert.equal((await ok(['stop', '-t', '1', 'web'])).trim(), 'web');
      const took = Date.now() - t0;
      assert.ok(took < 5000, `stop took ${took} ms`);
      const row = lines(await ok(['ps', '-a'])).find((l) => l.endsWith(' web'));
      assert.ok(row?.includes('Exited (137)'), row);
      assert.ok(!lines(await ok(['ps', '-q'])).includes(webId.slice(0, 12)), 'web is still listed by ps');
      assert.equal((await ok(['inspect', '-f', '{{.State.ExitCode}} {{.State.Pid}}', 'web'])).trim(), '137 0');
    });

    it('rm removes a stopped container', async () => {
      assert.equal((await ok(['rm', 'web'])).trim(), 'web');
      const r = await d.docker(['inspect', 'web']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /No such (container|object): web/);
    });

    it('rm of a running container fails without -f; rm -f removes it', async () => {
      await ok(['run', '-d', '--name', 'busy', 'busybox', 'sleep', '1000']);
      const r = await d.docker(['rm', 'busy']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Error response from daemon: .*container is running/);
      assert.equal((await ok(['inspect', '-f', '{{.State.Status}}', 'busy'])).trim(), 'running');
      assert.equal((await ok(['rm', '-f', 'busy'])).trim(), 'busy');
      assert.equal((await ok(['ps', '-a', '--filter', 'name=busy', '-q'])).trim(), '');
    });
  });

  describe('images', () => {
    it('images lists busybox:latest', async () => {
      const table = lines(await ok(['images']));
      assert.match(table[0]!, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
      assert.ok(
        table.some((l) => /^busybox\s+latest\s+[0-9a-f]{12}\s/.test(l)),
        table.join('\n'),
      );
      assert.ok(lines(await ok(['images', '--format', '{{.Repository}}:{{.Tag}}'])).includes('busybox:latest'));
      assert.equal((await ok(['image', 'inspect', '-f', '{{json .Config.Cmd}}', 'busybox'])).trim(), '["sh"]');
    });

    it('import from stdin, run it, rmi it', async () => {
      const tar = await readFile(await busyboxRootfs());
      const out = await ok(['import', '-', 'myimg:1'], { input: tar });
      assert.match(out, /^sha256:[0-9a-f]{64}\n$/);
      const id = out.trim();
      assert.ok(lines(await ok(['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}'])).includes(`myimg:1 ${id.slice(7, 19)}`));
      // An import has no CMD: the command must be given.
      await ok(['run', '--rm', 'myimg:1', '/bin/busybox', 'true']);
      const noCmd = await d.docker(['run', '--rm', 'myimg:1']);
      assert.equal(noCmd.code, 125);
      assert.match(noCmd.stderr, /no command specified/);

      const rmi = lines(await ok(['rmi', 'myimg:1']));
      assert.ok(rmi.includes('Untagged: myimg:1'), rmi.join('\n'));
      assert.ok(rmi.includes(`Deleted: ${id}`), rmi.join('\n'));
      assert.ok(!lines(await ok(['images', '--format', '{{.Repository}}'])).includes('myimg'));
      // busybox shares the layer and still works.
      await ok(['run', '--rm', 'busybox', 'true']);
    });

    it('rmi of an image a container uses is a conflict', async () => {
      const tar = await readFile(await busyboxRootfs());
      await ok(['import', '-', 'inuse:1'], { input: tar });
      await ok(['create', '--name', 'user', 'inuse:1', '/bin/busybox', 'true']);
      const r = await d.docker(['rmi', 'inuse:1']);
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        /conflict: unable to remove repository reference "inuse:1" \(must force\) - container [0-9a-f]{12} is using its referenced image [0-9a-f]{12}/,
      );
      await ok(['rm', 'user']);
      assert.ok(lines(await ok(['rmi', 'inuse:1'])).includes('Untagged: inuse:1'));
    });
  });

  describe('bad input', () => {
    it('run of an unknown image exits 125', async () => {
      const r = await d.docker(['run', '--rm', 'nosuchimage']);
      assert.equal(r.code, 125);
      assert.match(r.stderr, /Unable to find image 'nosuchimage:latest' locally/);
    });

    it("a duplicate --name exits 125 with Docker's conflict message", async () => {
      await ok(['create', '--name', 'taken', 'busybox', 'true']);
      const r = await d.docker(['run', '--name', 'taken', 'busybox', 'true']);
      assert.equal(r.code, 125);
      assert.match(r.stderr, /Conflict\. The container name "\/taken" is already in use by container "[0-9a-f]{64}"/);
      await ok(['rm', 'taken']);
    });

    it('an invalid --name is rejected', async () => {
      const r = await d.docker(['run', '--name', 'bad name!', 'busybox', 'true']);
      assert.equal(r.code, 125);
      assert.match(r.stderr, /Invalid container name \(bad name!\)/);
    });

    it('a command that does not exist exits 127', async () => {
      const r = await d.docker(['run', '--rm', 'busybox', 'nosuchcmd']);
      assert.equal(r.code, 127);
      assert.match(r.stderr, /exec: "nosuchcmd": executable file not found in \$PATH/);
    });

    it('a command that is not executable exits 126', async () => {
      const r = await d.docker(['run', '--rm', 'busybox', '/etc/passwd']);
      assert.equal(r.code, 126);
      assert.match(r.stderr, /permission denied/);
    });

    it('malformed JSON and wrong types are 400 with a message', async () => {
      const bad = await d.api('POST', '/v1.41/containers/create', '{"Image": "busybox", ');
      assert.equal(bad.status, 400);
      assert.equal(typeof (bad.json as { message?: unknown }).message, 'string');
      assert.match(bad.headers['content-type'] as string, /^application\/json/);

      // Cmd is Docker's StrSlice (a string or a list of strings): a number is the wrong type.
      const wrong = await d.api('POST', '/v1.41/containers/create', { Image: 'busybox', Cmd: 5 });
      assert.equal(wrong.status, 400);
      assert.match((wrong.json as { message: string }).message, /Cmd/);

      const missing = await d.api('GET', '/v1.41/containers/nosuch/json');
      assert.equal(missing.status, 404);
      assert.deepEqual(missing.json, { message: 'No such container: nosuch' });
    });

    it('import of something that is not a tar fails and leaves the images alone', async () => {
      const before = await d.api('GET', '/v1.41/images/json?all=1');
      const r = await d.docker(['import', '-', 'junk:1'], { input: 'this is not a tar archive\n'.repeat(100) });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /Error response from daemon: /);
      const afterList = await d.api('GET', '/v1.41/images/json?all=1');
      assert.deepEqual(afterList.json, before.json);
    });
  });

  describe('networking modes', () => {
    it("--network host shares the host's hostname and interfaces", async () => {
      const out = await ok(['run', '--rm', '--network', 'host', 'busybox', 'sh', '-c', 'hostname; cat /proc/net/dev']);
      const [name, ...dev] = lines(out);
      assert.equal(name, hostname());
      // Other tests on this host add and remove veths and bridges meanwhile; the physical interfaces must all be there.
      const seen = ifaces(dev.join('\n'));
      const host = ifaces(await readFile('/proc/net/dev', 'utf8')).filter((n) => existsSync(`/sys/class/net/${n}/device`));
      assert.ok(seen.length > 1, seen.join(' '));
      for (const n of host) assert.ok(seen.includes(n), `${n} missing from ${seen.join(' ')}`);
    });

    it('--network none has only lo', async () => {
      const out = await ok(['run', '--rm', '--network', 'none', 'busybox', 'cat', '/proc/net/dev']);
      assert.deepEqual(ifaces(out), ['lo']);
      const ip = await ok(['run', '--rm', '--network', 'none', 'busybox', 'ip', 'link']);
      assert.deepEqual(
        [...ip.matchAll(/^\d+: ([^:@]+)/gm)].map((m) => m[1]),
        ['lo'],
      );
    });
  });

  describe('run options', () => {
    it('-e, --env-file, -w, -u', async () => {
      const envFile = join(d.dir, 'env.list');
      await writeFile(envFile, '# a comment\nA=1\nB=two words\n\n');
      const out = lines(
        await ok(['run', '--rm', '-e', 'FOO=bar', '--env-file', envFile, '-w', '/tmp', '-u', 'nobody', 'busybox', 'sh', '-c', 'echo "$FOO|$A|$B"; pwd; id']),
      );
      assert.equal(out[0], 'bar|1|two words');
      assert.equal(out[1], '/tmp');
      assert.match(out[2]!, /^uid=65534\(nobody\) gid=65534\(nogroup\)/);
      const numeric = await ok(['run', '--rm', '-u', '1234:5678', 'busybox', 'sh', '-c', 'id -u; id -g']);
      assert.equal(numeric, '1234\n5678\n');
    });

    it('the image environment is kept and -e overrides it', async () => {
      const out = lines(await ok(['run', '--rm', '-e', 'HOME=/elsewhere', 'busybox', 'env']));
      assert.ok(out.includes('HOME=/elsewhere'), out.join('\n'));
      assert.ok(
        out.some((l) => l.startsWith('PATH=')),
        out.join('\n'),
      );
      assert.ok(
        out.some((l) => /^HOSTNAME=[0-9a-f]{12}$/.test(l)),
        out.join('\n'),
      );
    });

    it('--entrypoint replaces the command', async () => {
      assert.equal(await ok(['run', '--rm', '--entrypoint', '/bin/echo', 'busybox', 'hello', 'world']), 'hello world\n');
      assert.equal(await ok(['run', '--rm', '--entrypoint', 'pwd', 'busybox']), '/\n');
    });

    it('-l labels show in inspect and in ps --filter label=', async () => {
      await ok(['run', '-d', '--name', 'labelled', '-l', 'team=blue', '-l', 'tier=web', 'busybox', 'sleep', '1000']);
      assert.equal((await ok(['inspect', '-f', '{{.Config.Labels.team}} {{index .Config.Labels "tier"}}', 'labelled'])).trim(), 'blue web');
      assert.deepEqual(lines(await ok(['ps', '--filter', 'label=team=blue', '--format', '{{.Names}}'])), ['labelled']);
      assert.deepEqual(lines(await ok(['ps', '--filter', 'label=tier', '--format', '{{.Names}} {{.Label "team"}}'])), ['labelled blue']);
      assert.equal(await ok(['ps', '-q', '--filter', 'label=team=red']), '');
      await ok(['rm', '-f', 'labelled']);
    });

    it('--hostname sets the hostname, /etc/hostname and inspect', async () => {
      assert.equal(await ok(['run', '--rm', '--hostname', 'myhost', 'busybox', 'sh', '-c', 'hostname; cat /etc/hostname']), 'myhost\nmyhost\n');
      await ok(['create', '--name', 'named-host', '--hostname', 'other', 'busybox', 'true']);
      assert.equal((await ok(['inspect', '-f', '{{.Config.Hostname}}', 'named-host'])).trim(), 'other');
      await ok(['rm', 'named-host']);
    });
  });

  describe('restart, kill, wait', () => {
    it('restart gives a running container a new process and StartedAt', async () => {
      await ok(['run', '-d', '--name', 'again', 'busybox', 'sleep', '1000']);
      const [started1, pid1] = (await ok(['inspect', '-f', '{{.State.StartedAt}} {{.State.Pid}}', 'again'])).trim().split(' ');
      assert.equal((await ok(['restart', '-t', '1', 'again'])).trim(), 'again');
      const [started2, pid2, status] = (await ok(['inspect', '-f', '{{.State.StartedAt}} {{.State.Pid}} {{.State.Status}}', 'again'])).trim().split(' ');
      assert.equal(status, 'running');
      assert.notEqual(started2, started1);
      assert.ok(Date.parse(started2!) > Date.parse(started1!), `${started2} is not after ${started1}`);
      assert.notEqual(pid2, pid1);
      assert.ok(existsSync(`/proc/${pid2}`));
      assert.ok(!existsSync(`/proc/${pid1}`) || !(await readFile(`/proc/${pid1}/cmdline`, 'utf8').catch(() => '')).startsWith('sleep\u00001000'));
      await ok(['rm', '-f', 'again']);
    });

    it('kill -s USR1 reaches a trap; wait prints the exit code', async () => {
      await ok(['run', '-d', '--name', 'trapper', 'busybox', 'sh', '-c', 'trap "echo got usr1; exit 42" USR1; echo ready; while true; do sleep 0.1; done']);
      await eventually('the trap to be set', async () => (await d.docker(['logs', 'trapper'])).stdout.includes('ready'));
      assert.equal((await ok(['kill', '-s', 'USR1', 'trapper'])).trim(), 'trapper');
      assert.equal((await ok(['wait', 'trapper'])).trim(), '42');
      assert.equal(await ok(['logs', 'trapper']), 'ready\ngot usr1\n');
      // wait on a container that has already exited answers at once.
      assert.equal((await ok(['wait', 'trapper'])).trim(), '42');
      await ok(['rm', 'trapper']);
    });

    it('kill (SIGKILL) gives Exited (137); kill of a stopped container fails', async () => {
      await ok(['run', '-d', '--name', 'victim', 'busybox', 'sleep', '1000']);
      assert.equal((await ok(['kill', 'victim'])).trim(), 'victim');
      assert.equal((await ok(['wait', 'victim'])).trim(), '137');
      assert.match((await ok(['ps', '-a', '--filter', 'name=victim', '--format', '{{.Status}}'])).trim(), /^Exited \(137\) /);
      const again = await d.docker(['kill', 'victim']);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /is not running/);
      await ok(['rm', 'victim']);
    });
  });

  describe('system', () => {
    it('version and info answer', async () => {
      assert.equal((await ok(['version', '--format', '{{.Server.APIVersion}}'])).trim(), '1.56');
      assert.equal((await ok(['info', '--format', '{{.DockerRootDir}}'])).trim(), d.dataRoot);
    });
  });
});

/** Interface names from /proc/net/dev text. */
function ifaces(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.includes(':'))
    .map((l) => l.split(':')[0]!.trim())
    .filter((n) => n !== '' && !n.startsWith('Inter-') && !n.startsWith('face'))
    .sort();
}
