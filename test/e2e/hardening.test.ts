import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runProgram, runPython } from './clients.js';
import { eventually, startDaemon, type Daemon } from './harness.js';

// The security report "A container can never reach the host through the engine": data root
// permissions, the API's Content-Type door, today's Docker defaults, bridge names, the dashboard token.

const V = '/v1.41';
const mode = async (p: string): Promise<number> => (await stat(p)).mode & 0o7777;
const octal = (m: number): string => `0${m.toString(8)}`;

/** Runs `sh -c script args…` as the unprivileged host user nobody (no groups). */
function asNobody(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runProgram('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--', 'sh', '-c', script, 'sh', ...args], process.env);
}

/** The paths of `paths` that nobody can list or read (a directory listed, a file read or stat'ed). */
async function openToNobody(paths: string[]): Promise<string[]> {
  const r = await asNobody('for p in "$@"; do if ls "$p" >/dev/null 2>&1 || cat "$p" >/dev/null 2>&1; then echo "$p"; fi; done', paths);
  return r.stdout.split('\n').filter(Boolean);
}

describe('data root permissions', () => {
  let d: Daemon;
  let id = '';
  before(async () => {
    d = await startDaemon();
    // The harness's temp dir is 0700 itself: open it, so only the data root's own modes stand in the way.
    await chmod(d.dir, 0o755);
    const seed = await d.berth(['run', '--rm', '-v', 'hvol:/data', 'busybox', 'sh', '-c', 'echo secret > /data/f && chmod 777 /data']);
    assert.equal(seed.code, 0, seed.stderr);
    // A non-root container: its rootfs and its volume must still work.
    const r = await d.berth([
      'run',
      '-d',
      '--name',
      'up',
      '-u',
      '1000',
      '-v',
      'hvol:/data',
      'busybox',
      'sh',
      '-c',
      'cp /bin/busybox /tmp/suid && echo mine > /data/g && exec sleep 3600',
    ]);
    assert.equal(r.code, 0, r.stderr);
    id = r.stdout.trim();
  });
  after(() => d?.stop());

  it('a container running as uid 1000 uses its rootfs and volume', async () => {
    const r = await d.berth([
      'exec',
      'up',
      'sh',
      '-c',
      'id -u; ls / >/dev/null && cat /etc/passwd >/dev/null && echo rootfs-ok; cat /data/f /data/g; ls -l /tmp/suid | cut -c1-10',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['1000', 'rootfs-ok', 'secret', 'mine', '-rwxr-xr-x']);
  });

  it('an unprivileged host user can list or read nothing under the data root', async () => {
    const dr = d.dataRoot;
    const blobs = join(dr, 'content', 'blobs', 'sha256');
    const blob = join(blobs, (await readdir(blobs))[0]!);
    const upper = join(dr, 'snapshots', 'active', id, 'upper');
    await access(join(upper, 'tmp', 'suid')); // the container's file is really there
    const paths = [
      dr,
      join(dr, 'snapshots'),
      join(dr, 'snapshots', 'active'),
      upper,
      join(upper, 'tmp', 'suid'),
      join(dr, 'snapshots', 'layers'),
      join(dr, 'content'),
      blobs,
      blob,
      join(dr, 'content', 'index.json'),
      join(dr, 'containers'),
      join(dr, 'containers', id),
      join(dr, 'containers', id, 'config.json'),
      join(dr, 'volumes'),
      join(dr, 'volumes', 'hvol', '_data'),
      join(dr, 'volumes', 'hvol', '_data', 'f'),
      join(dr, 'engine-id'),
      d.execRoot,
    ];
    assert.deepEqual(await openToNobody(paths), []);
    // The same user can read what is open to it: the check itself works.
    assert.deepEqual(await openToNobody([d.dir, join(d.dir, 'daemon.json')]), [d.dir, join(d.dir, 'daemon.json')]);
  });

  it("has Docker's modes: data root and containers 0710, volumes 0701, stores 0700, exec root 0700", async () => {
    const dr = d.dataRoot;
    const want: [string, number][] = [
      [dr, 0o710],
      [join(dr, 'containers'), 0o710],
      [join(dr, 'containers', id), 0o710],
      [join(dr, 'volumes'), 0o701],
      [join(dr, 'content'), 0o700],
      [join(dr, 'content', 'blobs'), 0o700],
      [join(dr, 'snapshots'), 0o700],
      [join(dr, 'snapshots', 'active'), 0o700],
      [join(dr, 'snapshots', 'active', id), 0o700],
      [join(dr, 'snapshots', 'layers'), 0o700],
      [join(dr, 'networks'), 0o700],
      [d.execRoot, 0o700],
    ];
    assert.deepEqual(
      await Promise.all(want.map(async ([p]) => [p, octal(await mode(p))])),
      want.map(([p, m]) => [p, octal(m)]),
    );
  });

  it('an older data root (0711/0755 dirs, 0755 exec root) is fixed at the next start; the container keeps running', async () => {
    const dr = d.dataRoot;
    const loose: [string, number][] = [
      [dr, 0o711],
      [join(dr, 'containers'), 0o755],
      [join(dr, 'containers', id), 0o755],
      [join(dr, 'content'), 0o755],
      [join(dr, 'content', 'blobs'), 0o755],
      [join(dr, 'content', 'blobs', 'sha256'), 0o755],
      [join(dr, 'snapshots'), 0o755],
      [join(dr, 'snapshots', 'active'), 0o755],
      [join(dr, 'snapshots', 'active', id), 0o755],
      [join(dr, 'snapshots', 'layers'), 0o755],
      [join(dr, 'volumes'), 0o755],
      [d.execRoot, 0o755],
    ];
    for (const [p, m] of loose) await chmod(p, m);
    assert.notDeepEqual(await openToNobody([join(dr, 'snapshots', 'active', id, 'upper')]), [], 'the old modes let nobody in');
    await d.restart();
    for (const [p] of loose) assert.equal((await mode(p)) & 0o077 & ~0o011, 0, `${p} is ${octal(await mode(p))}`);
    assert.equal(octal(await mode(dr)), '0710');
    assert.equal(octal(await mode(join(dr, 'volumes'))), '0701');
    assert.equal(octal(await mode(d.execRoot)), '0700');
    assert.deepEqual(await openToNobody(loose.map(([p]) => p)), []);
    const r = await d.berth(['exec', 'up', 'cat', '/data/g']);
    assert.equal(r.stdout.trim(), 'mine', r.stderr);
  });
});

/** A request with exactly these headers (no Content-Type unless given); status and message. */
function rawPost(
  socket: string,
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; message: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const length = 'Transfer-Encoding' in headers ? {} : { 'Content-Length': String(Buffer.byteLength(body)) };
    const req = request({ socketPath: socket, method: 'POST', path, headers: { ...length, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let message = text;
        try {
          message = (JSON.parse(text) as { message?: string }).message ?? text;
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, message, headers: res.headers });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the API refuses what Docker refuses', () => {
  let d: Daemon;
  let execId = '';
  before(async () => {
    d = await startDaemon();
    const r = await d.berth(['run', '-d', '--name', 'web', 'busybox', 'sleep', '3600']);
    assert.equal(r.code, 0, r.stderr);
    const e = await d.api('POST', `${V}/containers/web/exec`, { Cmd: ['true'] });
    execId = (e.json as { Id: string }).Id;
  });
  after(() => d?.stop());

  /** Every route that reads a JSON body, with a body it would accept. */
  const routes = (): [string, string][] => [
    [`${V}/containers/create?name=ct-made`, JSON.stringify({ Image: 'busybox', Cmd: ['true'] })],
    [`${V}/containers/web/update`, JSON.stringify({ CpuShares: 512 })],
    [`${V}/containers/web/exec`, JSON.stringify({ Cmd: ['touch', '/made-by-exec'] })],
    [`${V}/exec/${execId}/start`, JSON.stringify({ Detach: true })],
    [`${V}/volumes/create`, JSON.stringify({ Name: 'ct-vol' })],
    [`${V}/networks/create`, JSON.stringify({ Name: 'ct-net' })],
    [`${V}/networks/bridge/connect`, JSON.stringify({ Container: 'web' })],
    [`${V}/networks/bridge/disconnect`, JSON.stringify({ Container: 'web' })],
    [`${V}/commit?container=web&repo=ct-image`, JSON.stringify({ Cmd: ['sh'] })],
    [`${V}/auth`, JSON.stringify({ username: 'u', password: 'p', serveraddress: '127.0.0.1:1' })],
  ];

  const nothingMade = async (): Promise<void> => {
    assert.equal((await d.api('GET', `${V}/containers/ct-made/json`)).status, 404);
    assert.equal((await d.api('GET', `${V}/volumes/ct-vol`)).status, 404);
    assert.equal((await d.api('GET', `${V}/networks/ct-net`)).status, 404);
    assert.equal((await d.api('GET', `${V}/images/ct-image/json`)).status, 404);
    const ex = await d.berth(['exec', 'web', 'ls', '/made-by-exec']);
    assert.notEqual(ex.code, 0, 'the exec never ran');
    assert.equal(((await d.api('GET', `${V}/exec/${execId}/json`)).json as { ExitCode: number | null }).ExitCode, null, 'the exec was never started');
    const web = (await d.api('GET', `${V}/containers/web/json`)).json as {
      HostConfig: { CpuShares?: number };
      NetworkSettings: { Networks: Record<string, unknown> };
    };
    assert.ok(!web.HostConfig.CpuShares, 'no update');
    assert.deepEqual(Object.keys(web.NetworkSettings.Networks), ['bridge'], 'not disconnected');
  };

  it("a browser's simple POST (text/plain, form, multipart) on every JSON route: 400 in Docker's words, nothing done", async () => {
    for (const ct of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      for (const [path, body] of routes()) {
        const r = await rawPost(d.socket, path, body, { 'Content-Type': ct });
        assert.equal(r.status, 400, `${ct} ${path}: ${r.status} ${r.message}`);
        assert.equal(r.message, `unsupported Content-Type header (${ct}): must be 'application/json'`, path);
      }
    }
    await nothingMade();
  });

  it('a body without a Content-Type (a typeless fetch Blob) or with a malformed one: 400, nothing done', async () => {
    for (const [path, body] of routes()) {
      const r = await rawPost(d.socket, path, body, {});
      assert.equal(r.status, 400, `${path}: ${r.status} ${r.message}`);
      assert.equal(r.message, 'malformed Content-Type header (): mime: no media type', path);
    }
    const chunked = await rawPost(d.socket, `${V}/volumes/create`, '', { 'Transfer-Encoding': 'chunked' });
    assert.equal(chunked.status, 400, chunked.message);
    const bad = await rawPost(d.socket, `${V}/volumes/create`, '{"Name":"ct-vol"}', { 'Content-Type': 'application json' });
    assert.deepEqual([bad.status, bad.message], [400, 'malformed Content-Type header (application json): mime: expected slash after first token']);
    await nothingMade();
  });

  it('application/json with parameters or in capitals, and an empty body without a Content-Type, are accepted', async () => {
    const a = await rawPost(d.socket, `${V}/volumes/create`, '{"Name":"ct-a"}', { 'Content-Type': 'application/json; charset=utf-8' });
    assert.equal(a.status, 201, a.message);
    const b = await rawPost(d.socket, `${V}/volumes/create`, '{"Name":"ct-b"}', { 'Content-Type': 'Application/JSON' });
    assert.equal(b.status, 201, b.message);
    const empty = await rawPost(d.socket, `${V}/volumes/create`, '', {});
    assert.equal(empty.status, 201, empty.message);
    const stop = await rawPost(d.socket, `${V}/containers/web/stop?t=0`, '', {});
    assert.equal(stop.status, 204, stop.message);
    assert.equal((await rawPost(d.socket, `${V}/containers/web/start`, '', {})).status, 204);
  });

  it('sends no CORS headers and answers a preflight 200 without them (dockerd without --api-cors-header)', async () => {
    const g = await d.api('GET', `${V}/version`, undefined, { Origin: 'https://evil.example' });
    assert.equal(g.status, 200);
    assert.equal(g.headers['access-control-allow-origin'], undefined);
    const pre = await d.api('OPTIONS', `${V}/containers/create`, undefined, {
      Origin: 'https://evil.example',
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'content-type',
    });
    assert.equal(pre.status, 200);
    assert.equal(pre.headers['access-control-allow-origin'], undefined);
    assert.equal(pre.headers['access-control-allow-headers'], undefined);
  });

  it('the docker CLI and docker-py keep working (JSON bodies, exec, commit, networks, volumes)', async () => {
    const cli = await d.docker(['run', '--rm', '--network', 'bridge', '-v', 'pyvol:/v', 'busybox', 'sh', '-c', 'echo cli-ok > /v/x && cat /v/x']);
    assert.equal(cli.stdout.trim(), 'cli-ok', cli.stderr);
    for (const args of [
      ['volume', 'create', 'clivol'],
      ['network', 'create', 'clinet'],
      ['network', 'connect', 'clinet', 'web'],
      ['exec', 'web', 'true'],
      ['update', '--cpu-shares', '600', 'web'],
      ['commit', 'web', 'cli-commit'],
    ]) {
      const r = await d.docker(args);
      assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
    }
    const py = await runPython(d.socket, [
      'import sys',
      'v = c.volumes.create("pyvol2")',
      'n = c.networks.create("pynet")',
      'ct = c.containers.run("busybox", ["sleep", "60"], detach=True, volumes={"pyvol2": {"bind": "/d"}})',
      'n.connect(ct)',
      'code, out = ct.exec_run(["sh", "-c", "echo py-ok"])',
      'ct.update(cpu_shares=700)',
      'img = ct.commit(repository="py-commit")',
      'ct.remove(force=True)',
      'n.remove()',
      'print(out.decode().strip(), code, img.id[:7])',
    ]);
    assert.match(py.stdout, /^py-ok 0 sha256:/m, py.stderr);
  });
});

describe('--api-cors-header', () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ noBusybox: true, args: ['--api-cors-header', 'https://tools.example'] });
  });
  after(() => d?.stop());

  it("adds dockerd's CORS headers to every answer, the preflight too", async () => {
    for (const [method, path] of [
      ['GET', `${V}/version`],
      ['OPTIONS', `${V}/containers/create`],
    ] as const) {
      const r = await d.api(method, path, undefined, { Origin: 'https://tools.example' });
      assert.equal(r.status, 200, `${method} ${path}`);
      assert.equal(r.headers['access-control-allow-origin'], 'https://tools.example');
      assert.equal(r.headers['access-control-allow-headers'], 'Origin, X-Requested-With, Content-Type, Accept, X-Registry-Auth');
      assert.equal(r.headers['access-control-allow-methods'], 'HEAD, GET, POST, DELETE, PUT, OPTIONS');
    }
  });
});

describe("defaults of today's Docker", () => {
  let d: Daemon;
  let bin = '';
  before(async () => {
    d = await startDaemon();
    bin = await mkdtemp(join(tmpdir(), 'berth-iouring-'));
    await chmod(bin, 0o755);
    // io_uring_setup(1, &params), then io_uring_enter and io_uring_register on fd -1: the errno of each (0 when it worked).
    await writeFile(
      join(bin, 'iou.c'),
      [
        '#include <errno.h>',
        '#include <stdio.h>',
        '#include <string.h>',
        '#include <unistd.h>',
        '#include <sys/syscall.h>',
        'int main(void) {',
        '  char params[120]; memset(params, 0, sizeof params);',
        '  long fd = syscall(SYS_io_uring_setup, 1, params); int e1 = fd < 0 ? errno : 0;',
        '  long r2 = syscall(SYS_io_uring_enter, -1, 0, 0, 0, NULL, 0); int e2 = r2 < 0 ? errno : 0;',
        '  long r3 = syscall(SYS_io_uring_register, -1, 0, NULL, 0); int e3 = r3 < 0 ? errno : 0;',
        '  printf("setup=%d enter=%d register=%d\\n", e1, e2, e3);',
        '  return 0;',
        '}',
      ].join('\n'),
    );
    execFileSync('gcc', ['-static', '-O1', '-o', join(bin, 'iou'), join(bin, 'iou.c')]);
  });
  after(async () => {
    await d?.stop();
    if (bin) await rm(bin, { recursive: true, force: true });
  });

  it('the default seccomp profile refuses io_uring_setup, io_uring_enter and io_uring_register with EPERM', async () => {
    const run = (flags: string[]) => d.berth(['run', '--rm', ...flags, '-v', `${bin}:/iou:ro`, 'busybox', '/iou/iou']);
    const def = await run([]);
    assert.equal(def.stdout.trim(), 'setup=1 enter=1 register=1', def.stderr);
    const viaDocker = await d.docker(['run', '--rm', '-v', `${bin}:/iou:ro`, 'busybox', '/iou/iou']);
    assert.equal(viaDocker.stdout.trim(), 'setup=1 enter=1 register=1', viaDocker.stderr);
    // The control: without the filter the kernel itself answers (setup works; the others refuse fd -1 with EBADF or EINVAL, never EPERM).
    const open = await run(['--security-opt', 'seccomp=unconfined']);
    const m = /^setup=(\d+) enter=(\d+) register=(\d+)$/.exec(open.stdout.trim());
    assert.ok(m, open.stdout + open.stderr);
    assert.equal(m[1], '0');
    assert.notEqual(m[2], '1');
    assert.notEqual(m[3], '1');
  });

  it("info's SecurityOptions names only what this host applies", async () => {
    const apparmor =
      (await access('/sys/kernel/security/apparmor').then(
        () => true,
        () => false,
      )) && (await readFile('/sys/module/apparmor/parameters/enabled', 'utf8').catch(() => '')).startsWith('Y');
    const seccomp = (await readFile('/proc/sys/kernel/seccomp/actions_avail', 'utf8').catch(() => '')).includes('errno');
    const cgroup2 = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').some((l) => / \/sys\/fs\/cgroup .* - cgroup2 /.test(l));
    const want = [...(apparmor ? ['name=apparmor'] : []), ...(seccomp ? ['name=seccomp,profile=builtin'] : []), ...(cgroup2 ? ['name=cgroupns'] : [])];
    const info = await d.api('GET', `${V}/info`);
    assert.deepEqual((info.json as { SecurityOptions: string[] }).SecurityOptions, want);
    const cli = await d.docker(['info', '--format', '{{json .SecurityOptions}}']);
    assert.deepEqual(JSON.parse(cli.stdout), want, cli.stderr);
  });
});

describe('bridge names', () => {
  let d: Daemon;
  const hostBridge = `bh${randomBytes(4).toString('hex')}`;
  const ipLink = (name: string): string =>
    execFileSync('ip', ['-d', '-j', 'addr', 'show', 'dev', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  /** iptables rules naming any of these interfaces (other engineers' daemons change the rest meanwhile). */
  const rulesFor = (names: string[]): string[] =>
    execFileSync('iptables-save', { encoding: 'utf8' })
      .split('\n')
      .filter((l) => names.some((n) => l.includes(`-i ${n} `) || l.includes(`-o ${n} `) || l.includes(`${n}"`)));
  before(async () => {
    d = await startDaemon();
    execFileSync('ip', ['link', 'add', hostBridge, 'type', 'bridge']);
  });
  after(async () => {
    await d?.stop();
    execFileSync('ip', ['link', 'del', hostBridge]);
  });

  const refused: [string, RegExp][] = [
    ['eth+', /invalid bridge name "eth\+": "\+" is an iptables wildcard/],
    ['br+x', /iptables wildcard/],
    ['abcdefghijklmnop', /bridge name abcdefghijklmnop is longer than 15 characters/],
    ['a/b', /"\/" is not allowed in an interface name/],
    ['a b', /" " is not allowed in an interface name/],
    ['..', /not an interface name/],
    ['br%d', /"%" is not allowed/],
    ['lo', /existing interface lo is not a bridge/],
  ];

  it('network create refuses wildcards, invalid names and host interfaces (API: 400, nothing created)', async () => {
    const lo = ipLink('lo');
    const host = ipLink(hostBridge);
    const cases: [string, RegExp][] = [...refused, [hostBridge, new RegExp(`bridge ${hostBridge} already exists on the host and was not made by berth`)]];
    const names = cases.map(([n]) => n);
    const before = rulesFor(names);
    for (const [i, [name, re]] of cases.entries()) {
      const r = await d.api('POST', `${V}/networks/create`, { Name: `bn${i}`, Options: { 'com.docker.network.bridge.name': name } });
      assert.equal(r.status, 400, `${name}: ${r.status} ${r.body}`);
      assert.match((r.json as { message: string }).message, re, name);
      assert.equal((await d.api('GET', `${V}/networks/bn${i}`)).status, 404, `no network for ${name}`);
    }
    assert.equal(ipLink('lo'), lo, 'lo untouched');
    assert.equal(ipLink(hostBridge), host, 'the host bridge untouched (no address, no alias)');
    assert.deepEqual(rulesFor(names), before, 'no iptables rule added');
    const list = (await d.api('GET', `${V}/networks`)).json as { Name: string }[];
    assert.deepEqual(list.map((n) => n.Name).sort(), ['bridge', 'host', 'none']);
  });

  it('the docker CLI gets the same refusals; a good custom name works and is removed with its network', async () => {
    for (const [name, re] of [refused[0]!, refused[7]!, [hostBridge, /already exists on the host/] as [string, RegExp]]) {
      const r = await d.docker(['network', 'create', '-o', `com.docker.network.bridge.name=${name}`, 'clinet']);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, /^Error response from daemon: /);
      assert.match(r.stderr, re);
    }
    const good = `bg${randomBytes(4).toString('hex')}`;
    assert.equal((await d.docker(['network', 'create', '-o', `com.docker.network.bridge.name=${good}`, 'clinet'])).code, 0);
    assert.match(ipLink(good), /"ifalias":"berth:[0-9a-f]{64}"/, 'berth marks the bridge it made for the network');
    assert.equal((await d.docker(['network', 'rm', 'clinet'])).code, 0);
    assert.throws(() => ipLink(good), 'the bridge is gone');
  });

  it('a network an older berth stored with a bridge it should have refused is left down at start; its containers do not start', async () => {
    const made = await d.api('POST', `${V}/networks/create`, { Name: 'tmpl' });
    assert.equal(made.status, 201, made.body);
    const dir = join(d.dataRoot, 'networks');
    const rec = JSON.parse(await readFile(join(dir, `${(made.json as { Id: string }).Id}.json`), 'utf8')) as Record<string, unknown>;
    assert.equal((await d.api('DELETE', `${V}/networks/tmpl`)).status, 204);
    const forged = [
      ['legacy-wild', 'eth+'],
      ['legacy-host', hostBridge],
    ].map(([name, br]) => ({ ...rec, Id: randomBytes(32).toString('hex'), Name: name, BridgeName: br, Options: { 'com.docker.network.bridge.name': br } }));
    const host = ipLink(hostBridge);
    const before = rulesFor(['eth+', hostBridge]);
    try {
      for (const f of forged) await writeFile(join(dir, `${f.Id}.json`), JSON.stringify(f));
      await d.restart();
      assert.match(d.log(), /WARNING: network legacy-wild is left down: invalid bridge name "eth\+"/);
      assert.match(d.log(), new RegExp(`WARNING: network legacy-host is left down: bridge ${hostBridge} already exists on the host`));
      for (const net of ['legacy-wild', 'legacy-host']) {
        const r = await d.docker(['run', '--rm', '--network', net, 'busybox', 'true']);
        assert.equal(r.code, 125, r.stdout);
        assert.match(r.stderr, new RegExp(`network ${net} is down`));
      }
      assert.throws(() => ipLink('eth+'), 'no bridge eth+');
      assert.equal(ipLink(hostBridge), host, 'the host bridge untouched');
      assert.deepEqual(rulesFor(['eth+', hostBridge]), before);
    } finally {
      // The harness's clean-up removes the bridges that records name: never the host's.
      for (const f of forged) await rm(join(dir, `${f.Id}.json`), { force: true });
    }
  });

  it('berthd refuses a bad --bridge: invalid names before anything starts, a host interface at start without touching it', async () => {
    const berthd = join(ROOT, 'dist', 'bin', 'berthd.mjs');
    for (const [name, re] of refused.slice(0, 3)) {
      const r = await runProgram(process.execPath, [berthd, '--validate', '--config-file', d.configFile, '--bridge', name], process.env);
      assert.equal(r.code, 1, `${name}: ${r.stdout}`);
      assert.match(r.stderr, re);
    }
    // Its own dirs, not the harness's: the harness's clean-up would delete the bridge a daemon's records name.
    const host = ipLink(hostBridge);
    const dir = await mkdtemp(join(tmpdir(), 'berth-bridge-'));
    try {
      for (const name of ['lo', hostBridge]) {
        const args = [
          '-H',
          `unix://${join(dir, 'b.sock')}`,
          '--data-root',
          join(dir, 'data'),
          '--exec-root',
          join(dir, 'run'),
          '--config-file',
          d.configFile,
          '--bridge',
          name,
        ];
        const r = await runProgram(process.execPath, [berthd, ...args], process.env, { timeoutMs: 30_000 });
        assert.equal(r.code, 1, `${name}: ${r.stderr}`);
        assert.match(
          r.stderr,
          new RegExp(
            name === 'lo'
              ? 'failed to start daemon: existing interface lo is not a bridge'
              : `failed to start daemon: bridge ${name} already exists on the host`,
          ),
        );
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    assert.equal(ipLink(hostBridge), host);
  });
});

describe('dashboard token', () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ noBusybox: true, args: ['--ui', '127.0.0.1:0'] });
  });
  after(() => d?.stop());

  it('is in the 0600 ui-token file and never in the log', async () => {
    const base = await eventually('the dashboard address in the log', async () => /dashboard: (http:\/\/[^/\s]+\/)/.exec(d.log())?.[1]);
    const tokenFile = join(d.execRoot, 'ui-token');
    const token = (await readFile(tokenFile, 'utf8')).trim();
    assert.equal(octal(await mode(tokenFile)), '0600');
    assert.match(token, /^\S{20,}$/);
    assert.ok(!d.log().includes(token), 'the token is not logged');
    assert.equal((await fetch(base)).status, 401);
    assert.equal((await fetch(`${base}?token=${token}`, { redirect: 'manual' })).status < 400, true, 'the token from the file opens the dashboard');
  });
});
