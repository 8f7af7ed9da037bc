import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, startDaemon, type Daemon } from './harness.js';

/** `sh -c script` in a fresh default busybox container (plus `flags`); exit code and output. */
async function sh(d: Daemon, script: string, flags: string[] = []): Promise<{ code: number; out: string }> {
  const r = await d.berth(['run', '--rm', ...flags, 'busybox', 'sh', '-c', script]);
  return { code: r.code, out: r.stdout + r.stderr };
}

// What a container may not do by default, what the options give back, and Docker's answers to bad values.
describe('isolation and privileges', () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon();
  });
  after(() => d?.stop());

  it('a default container cannot mount, load modules, write /proc/sys or read /proc/kcore', async () => {
    const r = await sh(
      d,
      [
        'mount -t tmpfs none /tmp; echo mount=$?',
        'printf junk > /tmp/m.ko; insmod /tmp/m.ko; echo insmod=$?',
        'echo 1 > /proc/sys/kernel/domainname; echo sys=$?',
        'echo kcore=$(cat /proc/kcore 2>/dev/null | head -c 16 | wc -c)',
        'grep Seccomp: /proc/self/status',
      ].join('; '),
    );
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /mount=1/);
    assert.match(r.out, /insmod=1/);
    assert.match(r.out, /Operation not permitted|not permitted/i, 'module loading refused');
    assert.match(r.out, /sys=1/);
    assert.match(r.out, /Read-only file system/);
    assert.match(r.out, /kcore=0/);
    assert.match(r.out, /Seccomp:\s+2/, 'a seccomp filter is installed');
  });

  it('raw sockets need NET_RAW: ping works by default, not with --cap-drop NET_RAW or ALL', async () => {
    assert.equal((await sh(d, 'ping -c1 -W2 127.0.0.1')).code, 0);
    const noRaw = await sh(d, 'ping -c1 -W2 127.0.0.1', ['--cap-drop', 'NET_RAW']);
    assert.notEqual(noRaw.code, 0);
    assert.match(noRaw.out, /permission denied/);
    assert.notEqual((await sh(d, 'ping -c1 -W2 127.0.0.1', ['--cap-drop', 'ALL'])).code, 0);
    // Names with CAP_ and in lower case mean the same; the docker CLI sends them the same way.
    assert.notEqual((await sh(d, 'ping -c1 -W2 127.0.0.1', ['--cap-drop', 'cap_net_raw'])).code, 0);
    assert.notEqual((await d.docker(['run', '--rm', '--cap-drop', 'net_raw', 'busybox', 'ping', '-c1', '-W2', '127.0.0.1'])).code, 0);
    assert.equal((await d.docker(['run', '--rm', '--cap-drop', 'ALL', '--cap-add', 'NET_RAW', 'busybox', 'ping', '-c1', '-W2', '127.0.0.1'])).code, 0);
  });

  it('seccomp blocks unshare by default; seccomp=unconfined and a profile file are honoured', async () => {
    const blocked = await sh(d, 'unshare -U true');
    assert.notEqual(blocked.code, 0);
    assert.match(blocked.out, /Operation not permitted/);
    assert.equal((await sh(d, 'unshare -U true', ['--security-opt', 'seccomp=unconfined'])).code, 0);
    // The docker CLI reads the file and sends its JSON; mkdir fails under this profile.
    const profile = join(d.dir, 'no-mkdir.json');
    await writeFile(
      profile,
      JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }] }, null, 2),
    );
    const r = await d.docker(['run', '--name', 'prof', '--security-opt', `seccomp=${profile}`, 'busybox', 'mkdir', '/x']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr + r.stdout, /Operation not permitted/);
    const opt = (await d.docker(['inspect', '-f', '{{json .HostConfig.SecurityOpt}}', 'prof'])).stdout;
    assert.match(opt, /seccomp=\{\\"defaultAction\\":\\"SCMP_ACT_ALLOW\\"/);
    await d.berth(['rm', 'prof']);
  });

  it("other containers' processes are invisible; --privileged --pid=host can kill them", async () => {
    assert.equal((await d.berth(['run', '-d', '--name', 'victim', 'busybox', 'sleep', '4242'])).code, 0);
    const pid = (await d.berth(['inspect', '-f', '{{.State.Pid}}', 'victim'])).stdout.trim();
    assert.doesNotMatch((await sh(d, 'ps -o pid,args')).out, /sleep 4242/);
    assert.notEqual((await sh(d, `kill -9 ${pid}`)).code, 0, 'a default container cannot reach the pid');
    const r = await sh(d, `kill -9 ${pid}`, ['--privileged', '--pid=host']);
    assert.equal(r.code, 0, r.out);
    await eventually(
      'the victim is killed',
      async () => (await d.berth(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'victim'])).stdout === 'exited 137\n',
    );
    await d.berth(['rm', 'victim']);
  });

  it('shares pid and ipc namespaces with container:<x>; ipc needs a shareable donor', async () => {
    assert.equal(
      (await d.berth(['run', '-d', '--name', 'donor', '--ipc', 'shareable', 'busybox', 'sh', '-c', 'echo hi > /dev/shm/x; exec sleep 4343'])).code,
      0,
    );
    await eventually('the donor wrote its shm file', async () => (await d.berth(['exec', 'donor', 'cat', '/dev/shm/x'])).stdout === 'hi\n');
    const r = await sh(d, 'cat /dev/shm/x; ps -o args', ['--pid', 'container:donor', '--ipc', 'container:donor']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^hi$/m);
    assert.match(r.out, /sleep 4343/);
    assert.equal((await d.berth(['run', '-d', '--name', 'private', 'busybox', 'sleep', '4444'])).code, 0);
    assert.match((await sh(d, 'true', ['--ipc', 'container:private'])).out, /non-shareable IPC/);
    await d.berth(['rm', '-f', 'donor', 'private']);
  });

  it('applies uts, cgroupns, group-add, sysctls, devices, no-new-privileges', async () => {
    const host = execFileSync('hostname').toString().trim();
    assert.equal((await sh(d, 'hostname', ['--uts', 'host'])).out.trim(), host);
    assert.match((await sh(d, 'cat /proc/self/cgroup', ['--cgroupns', 'private'])).out, /^\d+:memory:\/$/m);
    assert.match((await sh(d, 'id', ['--group-add', 'wheel', '--group-add', '4321'])).out, /groups=0\(root\),10\(wheel\),4321/);
    const sys = await sh(d, 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax', [
      '--sysctl',
      'net.ipv4.ip_forward=1',
      '--sysctl',
      'kernel.shmmax=123456',
    ]);
    assert.equal(sys.out, '1\n123456\n');
    const dev = await sh(d, 'ls -l /dev/lc; ls /dev/loop-control', ['--device', '/dev/loop-control:/dev/lc:r']);
    assert.match(dev.out, /^c.* 10,\s+237 .*\/dev\/lc$/m);
    assert.match(dev.out, /No such file/, 'only the mapped path exists');
    assert.match((await sh(d, 'ls /dev | wc -l')).out, /^\s*\d\s*$|^\s*1\d\s*$/m, 'a default /dev holds a handful of nodes');
    assert.match((await sh(d, 'grep NoNewPrivs /proc/self/status', ['--security-opt', 'no-new-privileges'])).out, /NoNewPrivs:\s+1/);
    // CAP_SYS_ADMIN opens seccomp's mount group too; --privileged gets the host's devices.
    assert.equal((await sh(d, 'mount -t tmpfs none /tmp', ['--cap-add', 'SYS_ADMIN'])).code, 0);
    assert.equal((await d.docker(['run', '--rm', '--privileged', 'busybox', 'test', '-c', '/dev/loop-control'])).code, 0);
    assert.notEqual((await sh(d, 'test -e /dev/loop-control')).code, 0);
  });

  it('inspect shows the options as Docker does (sent by the docker CLI)', async () => {
    const r = await d.docker([
      'create',
      '--name',
      'opts',
      '--cap-add',
      'SYS_ADMIN',
      '--cap-drop',
      'NET_RAW',
      '--security-opt',
      'no-new-privileges',
      '--security-opt',
      'apparmor=unconfined',
      '--pid',
      'host',
      '--ipc',
      'shareable',
      '--uts',
      'host',
      '--cgroupns',
      'private',
      '--group-add',
      'wheel',
      '--sysctl',
      'net.ipv4.ip_forward=1',
      '--device',
      '/dev/loop-control:/dev/lc:r',
      'busybox',
      'true',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const hc = JSON.parse((await d.docker(['inspect', '-f', '{{json .HostConfig}}', 'opts'])).stdout);
    assert.deepEqual(hc.CapAdd, ['CAP_SYS_ADMIN']);
    assert.deepEqual(hc.CapDrop, ['CAP_NET_RAW']);
    assert.deepEqual(hc.SecurityOpt, ['no-new-privileges', 'apparmor=unconfined']);
    assert.equal(hc.PidMode, 'host');
    assert.equal(hc.IpcMode, 'shareable');
    assert.equal(hc.UTSMode, 'host');
    assert.equal(hc.CgroupnsMode, 'private');
    assert.deepEqual(hc.GroupAdd, ['wheel']);
    assert.deepEqual(hc.Sysctls, { 'net.ipv4.ip_forward': '1' });
    assert.deepEqual(hc.Devices, [{ PathOnHost: '/dev/loop-control', PathInContainer: '/dev/lc', CgroupPermissions: 'r' }]);
    assert.ok(hc.MaskedPaths.includes('/proc/kcore'));
    assert.ok(hc.ReadonlyPaths.includes('/proc/sys'));
    const plain = JSON.parse((await d.docker(['inspect', '-f', '{{json .HostConfig}}', (await d.docker(['create', 'busybox'])).stdout.trim()])).stdout);
    assert.equal(plain.IpcMode, 'private');
    assert.equal(plain.PidMode, '');
    assert.deepEqual(plain.SecurityOpt, null);
    const info = JSON.parse((await d.docker(['info', '-f', '{{json .SecurityOptions}}'])).stdout);
    assert.ok(info.includes('name=seccomp,profile=builtin'), JSON.stringify(info));
    await d.berth(['container', 'prune', '-f']);
  });

  it("answers bad values with Docker's 400 messages and creates nothing", async () => {
    const before = (await d.api('GET', '/containers/json?all=1')).body;
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ PidMode: 'bogus' }, /^invalid PID mode: bogus$/],
      [{ PidMode: 'container:' }, /^invalid PID mode: container:$/],
      [{ IpcMode: 'weird' }, /^invalid IPC mode: weird$/],
      [{ UTSMode: 'private' }, /^invalid UTS mode: private$/],
      [{ CgroupnsMode: 'shared' }, /^invalid cgroup namespace mode: shared$/],
      [{ CapAdd: ['NOT_A_CAP'] }, /unknown capability: "CAP_NOT_A_CAP"/],
      [{ SecurityOpt: ['bogus=1'] }, /^invalid --security-opt 2: "bogus=1"$/],
      [{ SecurityOpt: ['seccomp={not json'] }, /Decoding seccomp profile failed/],
      [{ Sysctls: { 'kernel.panic': '1' } }, /sysctl 'kernel.panic' is not allowed/],
      [{ NetworkMode: 'host', Sysctls: { 'net.ipv4.ip_forward': '1' } }, /not allowed in host network namespace/],
      [
        { Devices: [{ PathOnHost: '/dev/does-not-exist', PathInContainer: '/dev/x', CgroupPermissions: 'rwm' }] },
        /error gathering device information while adding custom device "\/dev\/does-not-exist"/,
      ],
      [{ PidMode: 'container:nope' }, /No such container: nope/],
    ];
    for (const [hostConfig, message] of cases) {
      const r = await d.api('POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: hostConfig });
      const msg = (r.json as { message: string }).message;
      assert.equal(r.status, msg.startsWith('No such') ? 404 : 400, `${JSON.stringify(hostConfig)}: ${msg}`);
      assert.match(msg, message);
    }
    assert.deepEqual((await d.api('GET', '/containers/json?all=1')).body, before, 'nothing was created');
    const cli = await d.docker(['run', '--rm', '--sysctl', 'kernel.panic=1', 'busybox', 'true']);
    assert.match(cli.stderr, /sysctl 'kernel.panic=1' is not allowed/);
  });
});

// userns-remap: container root is an unprivileged host uid; --userns=host opts out.
describe('userns-remap', () => {
  let d: Daemon;
  let hadUser = false;
  let subuid = '';
  let subgid = '';
  before(async () => {
    subuid = await readFile('/etc/subuid', 'utf8').catch(() => '');
    subgid = await readFile('/etc/subgid', 'utf8').catch(() => '');
    hadUser = (await readFile('/etc/passwd', 'utf8')).split('\n').some((l) => l.startsWith('berthremap:'));
    d = await startDaemon({ args: ['--userns-remap', 'default'] });
    // The remapped root must be able to reach the container's rootfs under the test's temp dir.
    await chmod(d.dir, 0o711);
  });
  after(async () => {
    await d?.stop();
    await writeFile('/etc/subuid', subuid);
    await writeFile('/etc/subgid', subgid);
    if (!hadUser) execFileSync('userdel', ['berthremap']);
  });

  const hostUid = async (pid: string): Promise<number> => Number(/^Uid:\s+(\d+)/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'))![1]);

  it('creates berthremap with subordinate ids and runs container root as an unprivileged host uid', async () => {
    assert.match(await readFile('/etc/subuid', 'utf8'), /^berthremap:\d+:65536$/m);
    assert.match(await readFile('/etc/subgid', 'utf8'), /^berthremap:\d+:65536$/m);
    const start = Number(/^berthremap:(\d+):/m.exec(await readFile('/etc/subuid', 'utf8'))![1]);
    assert.equal((await d.berth(['run', '-d', '--name', 'mapped', 'busybox', 'sh', '-c', 'touch /made && exec sleep 4545'])).code, 0, d.log());
    const pid = (await d.berth(['inspect', '-f', '{{.State.Pid}}', 'mapped'])).stdout.trim();
    assert.equal(await hostUid(pid), start, 'container root is the first subordinate uid');
    const map = await readFile(`/proc/${pid}/uid_map`, 'utf8');
    assert.match(map, new RegExp(`^\\s*0\\s+${start}\\s+65536\\s*$`, 'm'));
    const rootfs = `/proc/${pid}/root`;
    await eventually(
      'the container wrote its file',
      async () =>
        await readFile(join(rootfs, 'made')).then(
          () => true,
          () => false,
        ),
    );
    const ex = execFileSync;
    const owner = ex('stat', ['-c', '%u', join(rootfs, 'made')])
      .toString()
      .trim();
    assert.equal(Number(owner), start, 'files the container makes belong to the remapped root');
    assert.equal(
      Number(
        ex('stat', ['-c', '%u', join(rootfs, 'bin/busybox')])
          .toString()
          .trim(),
      ),
      start,
      'image files are owned by the remapped root',
    );
    const info = JSON.parse((await d.berth(['info', '-f', '{{json .SecurityOptions}}'])).stdout);
    assert.ok(info.includes('name=userns'));
    // cp maps ids both ways: a copied-in file is the container root's, a copied-out one is root's.
    await writeFile(join(d.dir, 'in.txt'), 'x');
    assert.equal((await d.berth(['cp', join(d.dir, 'in.txt'), 'mapped:/in.txt'])).code, 0);
    assert.equal((await d.berth(['exec', 'mapped', 'stat', '-c', '%u:%g', '/in.txt'])).stdout, '0:0\n', 'exec works in a remapped container');
    assert.equal((await d.berth(['cp', 'mapped:/made', join(d.dir, 'out.txt')])).code, 0);
    assert.equal(
      Number(
        ex('stat', ['-c', '%u', join(d.dir, 'out.txt')])
          .toString()
          .trim(),
      ),
      0,
    );
    // A commit records the container's ids, not the host's: real root sees root's file.
    assert.equal((await d.berth(['commit', 'mapped', 'mapped-img'])).code, 0);
    const owner0 = await d.berth(['run', '--rm', '--userns', 'host', 'mapped-img', 'stat', '-c', '%u:%g', '/made', '/bin/busybox']);
    assert.equal(owner0.stdout, '0:0\n0:0\n', owner0.stderr);
    await d.berth(['rmi', 'mapped-img']);
    await d.berth(['rm', '-f', 'mapped']);
  });

  it('--userns=host runs as real root; privileged needs it', async () => {
    const r = await sh(d, 'cat /proc/self/uid_map', ['--userns', 'host']);
    assert.match(r.out, /^\s*0\s+0\s+4294967295\s*$/m);
    assert.match((await sh(d, 'true', ['--privileged'])).out, /privileged mode is incompatible with user namespaces/);
    assert.equal((await sh(d, 'true', ['--privileged', '--userns', 'host'])).code, 0);
  });

  it('sharing pid and ipc namespaces shares the user namespace too', async () => {
    assert.equal(
      (await d.berth(['run', '-d', '--name', 'rdonor', '--ipc', 'shareable', 'busybox', 'sh', '-c', 'echo hi > /dev/shm/x; exec sleep 4646'])).code,
      0,
      d.log(),
    );
    await eventually('the donor wrote its shm file', async () => (await d.berth(['exec', 'rdonor', 'cat', '/dev/shm/x'])).stdout === 'hi\n');
    const r = await sh(d, 'cat /dev/shm/x; ps -o args; ping -c1 -W2 127.0.0.1 >/dev/null && echo ping-ok', [
      '--pid',
      'container:rdonor',
      '--ipc',
      'container:rdonor',
    ]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^hi$/m);
    assert.match(r.out, /sleep 4646/);
    assert.match(r.out, /ping-ok/);
    await d.berth(['rm', '-f', 'rdonor']);
  });

  it('a new volume belongs to the remapped root', async () => {
    const r = await sh(d, 'touch /data/f && stat -c %u /data/f', ['-v', 'remapvol:/data']);
    assert.equal(r.code, 0, r.out);
    assert.equal(r.out.trim(), '0', 'root inside');
    await d.berth(['volume', 'rm', 'remapvol']);
  });
});
