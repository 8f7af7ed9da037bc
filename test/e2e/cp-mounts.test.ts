/**
 * `docker cp` on volumes and binds: Docker mounts a container's volumes for the copy, so a path
 * on a volume or bind reads and writes the mounted files (the ones the container sees), running
 * or not, while the rootfs directory under the mount is never touched; read-only mounts refuse
 * writes; symlinks inside a volume resolve inside the container's view, never on the host.
 * Through the docker CLI and the Python SDK.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runPython } from './clients.js';
import { dockerOk, eventually, startDaemon, type Daemon } from './harness.js';

describe('cp on volumes and bind mounts', () => {
  let d: Daemon;
  let tmp: string;
  let volumeDir: string; // the named volume's _data on the host
  let rootfs: string; // the running container's rootfs on the host
  const canary = `berth-cp-canary-${process.pid}.txt`;

  before(async () => {
    d = await startDaemon();
    tmp = await mkdtemp(join(tmpdir(), 'berth-cp-mounts-'));
    for (const dir of ['bind', 'robind', 'nested', 'out']) await mkdir(join(tmp, dir));
    await writeFile(join(tmp, 'bind/b.txt'), 'bound\n');
    await writeFile(join(tmp, 'nested/n.txt'), 'nested\n');
    await writeFile(join(tmp, canary), 'from host\n');
    const script = [
      'echo vol > /data/v.txt',
      'ln -s / /data/rootlink',
      'ln -s ../../../../../.. /data/up',
      'ln -s /etc /data/etclink',
      'mkdir -p /srv && echo srv > /srv/s.txt',
      'touch /ready',
      'exec sleep 600',
    ].join(' && ');
    const id = (
      await dockerOk(d, [
        'run',
        '-d',
        '--name',
        'mc',
        '-v',
        'vol:/data',
        '-v',
        `${tmp}/bind:/bind`,
        '-v',
        `${tmp}/robind:/ro:ro`,
        '-v',
        `${tmp}/nested:/srv/inner`,
        'busybox',
        'sh',
        '-c',
        script,
      ])
    ).trim();
    rootfs = join(d.dataRoot, 'containers', id, 'rootfs');
    await eventually('the container to be ready', async () => existsSync(join(rootfs, 'ready')), 20_000);
    volumeDir = (await dockerOk(d, ['volume', 'inspect', '-f', '{{.Mountpoint}}', 'vol'])).trim();
    // Never started: its rootfs has no /data at all, its volume is m's.
    await dockerOk(d, ['create', '--name', 'stopped', '-v', 'vol:/data', '-v', `${tmp}/robind:/ro:ro`, 'busybox', 'true']);
  });
  after(async () => {
    await d?.stop();
    await rm(tmp, { recursive: true, force: true });
    await rm(join('/tmp', canary), { force: true });
  });

  it('reads files on a volume and a bind of a running container (404 before)', async () => {
    await dockerOk(d, ['cp', 'mc:/data/v.txt', join(tmp, 'out/v.txt')]);
    assert.equal(await readFile(join(tmp, 'out/v.txt'), 'utf8'), 'vol\n');
    await dockerOk(d, ['cp', 'mc:/bind/b.txt', join(tmp, 'out/b.txt')]);
    assert.equal(await readFile(join(tmp, 'out/b.txt'), 'utf8'), 'bound\n');
    const head = await d.api('HEAD', '/containers/mc/archive?path=/data/v.txt');
    assert.equal(head.status, 200);
    const stat = JSON.parse(Buffer.from(String(head.headers['x-docker-container-path-stat']), 'base64').toString()) as { name: string; size: number };
    assert.deepEqual([stat.name, stat.size], ['v.txt', 4]);
  });

  it('writes into the volume and the bind, where the running container sees it, not into the rootfs under them', async () => {
    await dockerOk(d, ['cp', join(tmp, canary), 'mc:/data/']);
    assert.equal(await readFile(join(volumeDir, canary), 'utf8'), 'from host\n');
    assert.equal(existsSync(join(rootfs, 'data', canary)), false, 'nothing written under the mount');
    assert.equal((await dockerOk(d, ['exec', 'mc', 'cat', `/data/${canary}`])).trim(), 'from host');
    await dockerOk(d, ['cp', join(tmp, canary), 'mc:/bind/copied.txt']);
    assert.equal(await readFile(join(tmp, 'bind/copied.txt'), 'utf8'), 'from host\n');
    assert.equal((await dockerOk(d, ['exec', 'mc', 'cat', '/bind/copied.txt'])).trim(), 'from host');
  });

  it('copies a directory with a bind mounted below it as the container sees it', async () => {
    await dockerOk(d, ['cp', 'mc:/srv', join(tmp, 'out/srv')]);
    assert.equal(await readFile(join(tmp, 'out/srv/s.txt'), 'utf8'), 'srv\n');
    assert.equal(await readFile(join(tmp, 'out/srv/inner/n.txt'), 'utf8'), 'nested\n');
  });

  it('extracts a directory across the mounts below the target into them', async () => {
    await mkdir(join(tmp, 'tree/srv/inner'), { recursive: true });
    await writeFile(join(tmp, 'tree/srv/top.txt'), 'top\n');
    await writeFile(join(tmp, 'tree/srv/inner/deep.txt'), 'deep\n');
    await dockerOk(d, ['cp', join(tmp, 'tree/srv'), 'mc:/']);
    assert.equal(await readFile(join(tmp, 'nested/deep.txt'), 'utf8'), 'deep\n', 'the entry under the bind went into it');
    assert.equal(existsSync(join(rootfs, 'srv/inner/deep.txt')), false, 'nothing written under the mount');
    assert.equal((await dockerOk(d, ['exec', 'mc', 'cat', '/srv/top.txt', '/srv/inner/deep.txt'])).trim(), 'top\ndeep');
  });

  it('refuses writes into a read-only mount with Docker’s error, running or stopped', async () => {
    for (const ctr of ['mc', 'stopped']) {
      const r = await d.docker(['cp', join(tmp, canary), `${ctr}:/ro/`]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /mounted volume is marked read-only/);
    }
    // Entries reaching a read-only mount below the target are refused as well.
    await mkdir(join(tmp, 'tree2/ro'), { recursive: true });
    await writeFile(join(tmp, 'tree2/ro', canary), 'x');
    const below = await d.docker(['cp', join(tmp, 'tree2/ro'), 'mc:/']);
    assert.notEqual(below.code, 0);
    assert.match(below.stderr, /mounted volume is marked read-only/);
    assert.equal(existsSync(join(tmp, 'robind', canary)), false);
    const put = await d.api('PUT', '/containers/mc/archive?path=/ro', Buffer.alloc(1024), { 'Content-Type': 'application/x-tar' });
    assert.equal(put.status, 400);
  });

  it('resolves symlinks inside a volume within the container, never on the host', async () => {
    // `/data/rootlink` → `/`, `/data/up` → `../../../../../..`: both are the container's root.
    await dockerOk(d, ['cp', join(tmp, canary), 'mc:/data/rootlink/tmp/']);
    assert.equal((await dockerOk(d, ['exec', 'mc', 'cat', `/tmp/${canary}`])).trim(), 'from host');
    await dockerOk(d, ['cp', join(tmp, canary), 'mc:/data/up/']);
    assert.equal(await readFile(join(rootfs, canary), 'utf8'), 'from host\n');
    assert.equal(existsSync(join('/tmp', canary)), false, 'nothing written to the host /tmp');
    await dockerOk(d, ['cp', 'mc:/data/up/etc/hostname', join(tmp, 'out/hostname')]);
    assert.equal(await readFile(join(tmp, 'out/hostname'), 'utf8'), await readFile(join(rootfs, 'etc/hostname'), 'utf8'));
    await dockerOk(d, ['cp', '-L', 'mc:/data/etclink/passwd', join(tmp, 'out/passwd')]);
    assert.equal(await readFile(join(tmp, 'out/passwd'), 'utf8'), await readFile(join(rootfs, 'etc/passwd'), 'utf8'));
    // `..` out of the volume climbs into the container's tree, not the host's.
    const up = await d.api('GET', `/containers/mc/archive?path=${encodeURIComponent('/data/../../../../etc/passwd')}`);
    assert.equal(up.status, 200);
  });

  it('reads and writes the volume of a container that never ran', async () => {
    await dockerOk(d, ['cp', 'stopped:/data/v.txt', join(tmp, 'out/stopped-v.txt')]);
    assert.equal(await readFile(join(tmp, 'out/stopped-v.txt'), 'utf8'), 'vol\n');
    await dockerOk(d, ['cp', join(tmp, 'bind/b.txt'), 'stopped:/data/from-stopped.txt']);
    assert.equal((await dockerOk(d, ['exec', 'mc', 'cat', '/data/from-stopped.txt'])).trim(), 'bound');
  });

  it('the Python SDK: put_archive and get_archive on a volume', async () => {
    const py = await runPython(d.socket, [
      'import io, tarfile',
      'buf = io.BytesIO()',
      't = tarfile.open(fileobj=buf, mode="w")',
      'data = b"py-put\\n"',
      'info = tarfile.TarInfo("py.txt"); info.size = len(data)',
      't.addfile(info, io.BytesIO(data)); t.close()',
      'assert c.containers.get("stopped").put_archive("/data", buf.getvalue())',
      'bits, stat = c.containers.get("mc").get_archive("/data/py.txt")',
      'got = tarfile.open(fileobj=io.BytesIO(b"".join(bits))).extractfile("py.txt").read()',
      'print(stat["name"], stat["size"], got.decode().strip())',
      'try:',
      '    c.containers.get("mc").put_archive("/ro", buf.getvalue())',
      'except docker.errors.APIError as e:',
      '    print("refused", e.status_code, e.explanation)',
    ]);
    assert.equal(py.code, 0, py.stderr);
    assert.match(py.stdout, /^py\.txt 7 py-put$/m);
    assert.match(py.stdout, /^refused 400 mounted volume is marked read-only$/m);
    assert.equal(await readFile(join(volumeDir, 'py.txt'), 'utf8'), 'py-put\n');
  });

  it('berthd met no uncaught exception or unhandled rejection on the way', () => {
    assert.doesNotMatch(d.log(), /uncaught|unhandled/i);
  });
});
