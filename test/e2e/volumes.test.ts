import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busyboxRootfs, mountsUnder, startDaemon, type Daemon } from './harness.js';

interface Mount {
  Type: string;
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
}

// Volumes, binds and tmpfs through both CLIs: the seed's postgres walkthrough with busybox,
// Docker's Mounts shapes, copy-up, --read-only + --tmpfs, --volumes-from, the socket inside.
describe('volumes and mounts', () => {
  let d: Daemon;
  let tmp: string;
  before(async () => {
    d = await startDaemon();
    tmp = await mkdtemp(join(tmpdir(), 'berth-vol-'));
  });
  after(async () => {
    await d?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  const mountsOf = async (name: string): Promise<Mount[]> => {
    const r = await d.docker(['inspect', '--format', '{{json .Mounts}}', name]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Mount[];
  };

  it('keeps data in a named volume across containers (the postgres walkthrough)', async () => {
    assert.equal((await d.berth(['volume', 'create', '--name', 'pgdata'])).stdout, 'pgdata\n');
    const run = await d.docker([
      'run',
      '-d',
      '--name',
      'db',
      '-v',
      'pgdata:/var/lib/postgresql/data',
      'busybox',
      'sh',
      '-c',
      'echo rows > /var/lib/postgresql/data/table; exec sleep 1000',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const [m] = await mountsOf('db');
    assert.deepEqual(m, {
      Type: 'volume',
      Name: 'pgdata',
      Source: join(d.dataRoot, 'volumes', 'pgdata', '_data'),
      Destination: '/var/lib/postgresql/data',
      Driver: 'local',
      Mode: 'z',
      RW: true,
      Propagation: '',
    });
    const inUse = await d.berth(['volume', 'rm', 'pgdata']);
    assert.equal(inUse.code, 1);
    assert.match(inUse.stderr, /^Error response from daemon: remove pgdata: volume is in use - \[[0-9a-f]{64}\]/);
    assert.equal((await d.api('DELETE', '/v1.41/volumes/pgdata')).status, 409);
    assert.equal((await d.docker(['ps', '--filter', 'volume=pgdata', '--format', '{{.Names}}'])).stdout, 'db\n');
    assert.equal((await d.berth(['rm', '-f', 'db'])).code, 0);
    const again = await d.berth(['run', '--rm', '-v', 'pgdata:/var/lib/postgresql/data', 'busybox', 'cat', '/var/lib/postgresql/data/table']);
    assert.equal(again.stdout, 'rows\n', again.stderr);
    assert.equal((await d.docker(['volume', 'rm', 'pgdata'])).stdout, 'pgdata\n');
  });

  it('volume create/ls/inspect/rm/prune with labels, filters and formats', async () => {
    assert.equal((await d.docker(['volume', 'create', '--label', 'tier=db', 'v1'])).code, 0);
    assert.equal((await d.berth(['volume', 'create', 'v2'])).code, 0);
    const gen = (await d.berth(['volume', 'create'])).stdout.trim();
    assert.match(gen, /^[0-9a-f]{64}$/);
    const ls = await d.berth(['volume', 'ls']);
    assert.match(ls.stdout, /^DRIVER +VOLUME NAME\nlocal +[0-9a-f]{64}\nlocal +v1\nlocal +v2\n$/);
    assert.equal((await d.berth(['volume', 'ls', '-q', '--filter', 'label=tier=db'])).stdout, 'v1\n');
    assert.equal((await d.docker(['volume', 'ls', '-q', '--filter', 'name=v2'])).stdout, 'v2\n');
    assert.equal((await d.berth(['volume', 'ls', '--format', '{{.Name}} {{.Labels}}', '-f', 'dangling=true', '-f', 'name=v1'])).stdout, 'v1 tier=db\n');
    const [v] = JSON.parse((await d.berth(['volume', 'inspect', 'v1'])).stdout) as Array<Record<string, unknown>>;
    assert.deepEqual(Object.keys(v!), ['CreatedAt', 'Driver', 'Labels', 'Mountpoint', 'Name', 'Options', 'Scope']);
    assert.deepEqual(v!.Labels, { tier: 'db' });
    assert.equal(v!.Mountpoint, join(d.dataRoot, 'volumes', 'v1', '_data'));
    assert.equal((await d.docker(['volume', 'inspect', '-f', '{{.Driver}} {{.Scope}}', 'v1'])).stdout, 'local local\n');
    const missing = await d.berth(['volume', 'inspect', 'nope']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^Error response from daemon: get nope: no such volume$/m);
    assert.equal((await d.berth(['volume', 'rm', '-f', 'nope'])).code, 0);
    assert.match((await d.berth(['volume', 'rm', 'nope'])).stderr, /no such volume/);
    const pruned = await d.berth(['volume', 'prune', '-f', '-a', '--filter', 'label=tier=db']);
    assert.equal(pruned.stdout, 'Deleted Volumes:\nv1\n\nTotal reclaimed space: 0B\n');
    assert.equal((await d.berth(['volume', 'prune', '-af'])).code, 0);
    assert.equal((await d.berth(['volume', 'ls', '-q'])).stdout, '');
  });

  it('bad input: invalid names, unknown --mount keys, relative destinations, too many colons', async () => {
    const bad = await d.api('POST', '/v1.41/volumes/create', { Name: 'a/b' });
    assert.equal(bad.status, 400);
    assert.match((bad.json as { message: string }).message, /includes invalid characters for a local volume name/);
    assert.equal((await d.api('POST', '/v1.41/volumes/create', { Name: 'x', DriverOpts: { bogus: '1' } })).status, 400);
    const create = (hc: object): Promise<{ status: number; body: string }> =>
      d.api('POST', '/v1.41/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: hc });
    assert.equal((await create({ Mounts: [{ Type: 'bind', Source: '/tmp', Target: '/x', Bogus: 1 }] })).status, 400);
    assert.equal((await create({ Binds: ['vol:relative'] })).status, 400);
    assert.equal((await create({ Mounts: [{ Type: 'volume', Target: 'relative' }] })).status, 400);
    assert.equal((await create({ Binds: ['a:/b:ro:x'] })).status, 400);
    const colons = await d.berth(['create', '-v', 'a:/b:ro:x', 'busybox']);
    assert.equal(colons.code, 125);
    assert.match(colons.stderr, /invalid spec: a:\/b:ro:x: too many colons/);
    const key = await d.berth(['create', '--mount', 'type=bind,src=/tmp,dst=/x,bogus=1', 'busybox']);
    assert.equal(key.code, 125);
    assert.match(key.stderr, /unexpected key 'bogus'/);
    const missing = await d.docker(['create', '--mount', `type=bind,src=${join(tmp, 'absent')},dst=/x`, 'busybox']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /bind source path does not exist/);
    assert.equal((await d.berth(['ps', '-aq'])).stdout, '', 'nothing was created');
    assert.equal((await d.berth(['volume', 'ls', '-q'])).stdout, '', 'no volume was left behind');
  });

  it('bind mounts: -v creates a missing source, :ro is read-only, --mount reports Docker shapes', async () => {
    const src = join(tmp, 'made');
    const r = await d.berth([
      'run',
      '--name',
      'b1',
      '-v',
      `${src}:/data`,
      '-v',
      `${tmp}:/ro:ro`,
      '--mount',
      `type=bind,source=${tmp},target=/m,readonly`,
      '--mount',
      'type=tmpfs,target=/t,tmpfs-size=1m',
      'busybox',
      'sh',
      '-c',
      'echo hi > /data/f; touch /ro/x 2>/dev/null || echo ro; df /t | tail -1',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ro\ntmpfs +1024 /);
    assert.equal(await readFile(join(src, 'f'), 'utf8'), 'hi\n');
    assert.deepEqual(await mountsOf('b1'), [
      { Type: 'bind', Source: src, Destination: '/data', Mode: '', RW: true, Propagation: 'rprivate' },
      { Type: 'bind', Source: tmp, Destination: '/m', Mode: '', RW: false, Propagation: 'rprivate' },
      { Type: 'bind', Source: tmp, Destination: '/ro', Mode: 'ro', RW: false, Propagation: 'rprivate' },
      { Type: 'tmpfs', Source: '', Destination: '/t', Mode: '', RW: true, Propagation: '' },
    ]);
    const hc = JSON.parse((await d.docker(['inspect', '-f', '{{json .HostConfig}}', 'b1'])).stdout) as { Binds: string[]; Mounts: Array<{ Type: string }> };
    assert.deepEqual(hc.Binds, [`${src}:/data`, `${tmp}:/ro:ro`]);
    assert.deepEqual(
      hc.Mounts.map((m) => m.Type),
      ['bind', 'tmpfs'],
    );
    assert.equal((await d.berth(['rm', 'b1'])).code, 0);
  });

  it('copies image content into an empty volume; anonymous volumes go with rm -v and --rm', async () => {
    const tar = await readFile(await busyboxRootfs());
    const changes = encodeURIComponent('VOLUME /etc');
    const imp = await d.api('POST', `/v1.41/images/create?fromSrc=-&repo=withvol&tag=latest&changes=${changes}`, tar, { 'Content-Type': 'application/x-tar' });
    assert.equal(imp.status, 200, imp.body);
    const c = await d.docker(['run', '--name', 'anon', 'withvol', 'cat', '/etc/passwd']);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /^root:/);
    const [m] = await mountsOf('anon');
    assert.equal(m!.Type, 'volume');
    assert.match(m!.Name!, /^[0-9a-f]{64}$/);
    assert.equal(m!.Mode, '');
    assert.ok(existsSync(join(m!.Source, 'passwd')), 'copied up');
    // A named volume is filled the same way, unless nocopy.
    assert.match((await d.berth(['run', '--rm', '-v', 'etcvol:/etc', 'busybox', 'ls', '/etc'])).stdout, /passwd/);
    assert.equal((await d.berth(['run', '--rm', '-v', 'empty:/etc:nocopy', 'busybox', 'ls', '/etc'])).stdout, '');
    assert.equal((await d.berth(['rm', '-v', 'anon'])).code, 0);
    assert.ok(!existsSync(m!.Source), 'rm -v removed the anonymous volume');
    assert.equal((await d.berth(['run', '--rm', '-v', '/scratch', 'busybox', 'true'])).code, 0);
    assert.deepEqual(
      (await d.berth(['volume', 'ls', '-q'])).stdout.split('\n').filter(Boolean).sort(),
      ['empty', 'etcvol'],
      '--rm removed its anonymous volume',
    );
    await d.berth(['volume', 'rm', 'empty', 'etcvol']);
    await d.berth(['rmi', 'withvol']);
  });

  it('--read-only with --tmpfs /tmp, and --volumes-from (with :ro)', async () => {
    const ro = await d.docker([
      'run',
      '--rm',
      '--read-only',
      '--tmpfs',
      '/tmp',
      'busybox',
      'sh',
      '-c',
      'touch /x 2>/dev/null || echo rootfs-ro; touch /tmp/y && echo tmp-ok',
    ]);
    assert.equal(ro.stdout, 'rootfs-ro\ntmp-ok\n', ro.stderr);
    assert.equal((await d.berth(['create', '--name', 'data', '-v', 'shared:/shared', '-v', '/anon', 'busybox'])).code, 0);
    const rw = await d.berth(['run', '--rm', '--volumes-from', 'data', 'busybox', 'sh', '-c', 'echo x > /shared/f && echo x > /anon/f && echo ok']);
    assert.equal(rw.stdout, 'ok\n', rw.stderr);
    const r = await d.docker([
      'run',
      '--name',
      'reader',
      '--volumes-from',
      'data:ro',
      'busybox',
      'sh',
      '-c',
      'cat /shared/f; touch /shared/g 2>/dev/null || echo ro',
    ]);
    assert.equal(r.stdout, 'x\nro\n', r.stderr);
    const mounts = await mountsOf('reader');
    assert.deepEqual(
      mounts.map((m) => [m.Destination, m.RW, m.Mode]),
      [
        ['/anon', false, ''],
        ['/shared', false, ''],
      ],
    );
    await d.berth(['rm', '-v', 'reader', 'data']);
    assert.equal((await d.berth(['volume', 'ls', '-q'])).stdout, 'shared\n');
    await d.berth(['volume', 'rm', 'shared']);
  });

  it('local driver options: a tmpfs volume is mounted on use and unmounted on removal', async () => {
    assert.equal((await d.berth(['volume', 'create', '-d', 'local', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=2m', 'tv'])).code, 0);
    const r = await d.berth(['run', '--rm', '-v', 'tv:/v', 'busybox', 'sh', '-c', 'df /v | tail -1']);
    assert.match(r.stdout, /^tmpfs +2048 /, r.stderr);
    const data = join(d.dataRoot, 'volumes', 'tv', '_data');
    assert.deepEqual(await mountsUnder(data), [data]);
    assert.equal((await d.berth(['volume', 'rm', 'tv'])).code, 0);
    assert.deepEqual(await mountsUnder(data), []);
  });

  it('volumes survive a berthd crash and restart', async () => {
    await d.berth(['volume', 'create', '--label', 'k=v', 'keep']);
    await d.berth(['run', '--rm', '-v', 'keep:/k', 'busybox', 'sh', '-c', 'echo kept > /k/f']);
    await d.berth(['create', '--name', 'holder', '-v', 'keep:/k', 'busybox']);
    await d.kill9();
    await d.restart();
    assert.equal((await d.berth(['volume', 'inspect', '-f', '{{.Labels.k}}', 'keep'])).stdout, 'v\n');
    assert.equal((await d.berth(['run', '--rm', '-v', 'keep:/k', 'busybox', 'cat', '/k/f'])).stdout, 'kept\n');
    assert.equal((await d.berth(['volume', 'rm', 'keep'])).code, 1, 'still in use by holder');
    await d.berth(['rm', 'holder']);
    assert.equal((await d.berth(['volume', 'rm', 'keep'])).code, 0);
  });

  it('berth socket bind-mounted into a container controls berthd (static docker CLI inside)', async () => {
    await d.berth(['run', '-d', '--name', 'outside', 'busybox', 'sleep', '1000']);
    await writeFile(join(tmp, 'config.json'), '{}\n');
    const r = await d.docker([
      'run',
      '--rm',
      '-v',
      `${d.socket}:/var/run/docker.sock`,
      '-v',
      '/usr/local/bin/docker:/usr/local/bin/docker:ro',
      '-v',
      `${tmp}/config.json:/root/.docker/config.json:ro`,
      'busybox',
      'docker',
      'ps',
      '--format',
      '{{.Names}}',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^outside$/m);
    await d.berth(['rm', '-f', 'outside']);
  });
});
