import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chown, lstat, mkdir, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berthToFile, makeTar, readTar } from './archive-util.js';
import { startDaemon, type Daemon } from './harness.js';

// docker cp through both CLIs: the daemon's archive endpoints plus each CLI's path rules.
describe('cp', () => {
  let d: Daemon;
  let tmp: string;
  let rootfs: string; // the running container's rootfs as the host sees it (for checks)
  before(async () => {
    d = await startDaemon();
    tmp = await mkdtemp(join(tmpdir(), 'berth-cp-'));
    const r = await d.berth([
      'run',
      '-d',
      '--name',
      'web',
      'busybox',
      'sh',
      '-c',
      'mkdir -p /data/sub && echo hello > /data/a.txt && echo deep > /data/sub/b.txt && ln -s /etc/hostname /data/link && mkdir /trap && ln -s / /trap/root && ln -s ../../../../../../.. /trap/up && echo owned > /data/owned && chown 42:43 /data/owned && touch /ready && exec sleep 1000',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const id = r.stdout.trim();
    rootfs = join(d.dataRoot, 'containers', id, 'rootfs');
    for (let i = 0; i < 100 && !existsSync(join(rootfs, 'ready')); i++) await new Promise((res) => setTimeout(res, 50));
    await writeFile(join(tmp, 'host.txt'), 'from host\n');
    await mkdir(join(tmp, 'hostdir/inner'), { recursive: true });
    await writeFile(join(tmp, 'hostdir/inner/f'), 'f\n');
    await chown(join(tmp, 'host.txt'), 1234, 1234);
  });
  after(async () => {
    await d?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  for (const cli of ['berth', 'docker'] as const) {
    const run = (args: string[], input?: Buffer) => d[cli](args, input ? { input } : undefined);
    describe(`through the ${cli} CLI`, () => {
      const out = (name: string): string => join(tmp, `${cli}-${name}`);

      it('copies a file and a directory out, with Docker path semantics', async () => {
        assert.equal((await run(['cp', 'web:/data/a.txt', out('a')])).code, 0);
        assert.equal(await readFile(out('a'), 'utf8'), 'hello\n');
        // into an existing directory: keeps its name
        await mkdir(out('dir'));
        assert.equal((await run(['cp', 'web:/data', out('dir')])).code, 0);
        assert.equal(await readFile(join(out('dir'), 'data/sub/b.txt'), 'utf8'), 'deep\n');
        // to a new name: the directory becomes it
        assert.equal((await run(['cp', 'web:/data/sub', out('renamed')])).code, 0);
        assert.equal(await readFile(join(out('renamed'), 'b.txt'), 'utf8'), 'deep\n');
        // dir/. copies the contents into an existing directory
        await mkdir(out('contents'));
        assert.equal((await run(['cp', 'web:/data/sub/.', out('contents')])).code, 0);
        assert.equal(await readFile(join(out('contents'), 'b.txt'), 'utf8'), 'deep\n');
        // a symlink is copied as a link; -L copies its target's content
        assert.equal((await run(['cp', 'web:/data/link', out('link')])).code, 0);
        assert.equal(await readlink(out('link')), '/etc/hostname');
        assert.equal((await run(['cp', '-L', 'web:/data/link', out('link-L')])).code, 0);
        assert.equal(await readFile(out('link-L'), 'utf8'), await readFile(join(rootfs, 'etc/hostname'), 'utf8'));
      });

      it('reports missing paths and a directory over a file', async () => {
        const missing = await run(['cp', 'web:/nope', out('x')]);
        assert.equal(missing.code, 1);
        assert.match(missing.stderr, /Could not find the file \/nope in container web/);
        await writeFile(out('file'), 'x');
        const dirOverFile = await run(['cp', 'web:/data', out('file')]);
        assert.equal(dirOverFile.code, 1);
        assert.match(dirOverFile.stderr, /cannot copy directory/);
        const noParent = await run(['cp', 'host.txt', 'web:/nope/x']);
        assert.equal(noParent.code, 1);
      });

      it('copies into running and stopped containers; ownership is root unless -a', async () => {
        assert.equal((await run(['cp', join(tmp, 'host.txt'), `web:/tmp/${cli}.txt`])).code, 0);
        const st = await lstat(join(rootfs, `tmp/${cli}.txt`));
        assert.equal(await readFile(join(rootfs, `tmp/${cli}.txt`), 'utf8'), 'from host\n');
        assert.equal(st.uid, 0);
        assert.equal((await run(['cp', join(tmp, 'hostdir'), 'web:/tmp/'])).code, 0);
        assert.equal(await readFile(join(rootfs, 'tmp/hostdir/inner/f'), 'utf8'), 'f\n');

        const name = `stopped-${cli}`;
        assert.equal((await d.berth(['create', '--name', name, '-u', '1000:1000', 'busybox'])).code, 0);
        assert.equal((await run(['cp', '-a', join(tmp, 'host.txt'), `${name}:/owned-by-user`])).code, 0);
        assert.equal((await run(['cp', `${name}:/owned-by-user`, out('back')])).code, 0);
        assert.equal(await readFile(out('back'), 'utf8'), 'from host\n');
        const tar = await d.api('GET', `/v1.41/containers/${name}/archive?path=/owned-by-user`);
        const stat = JSON.parse(Buffer.from(String(tar.headers['x-docker-container-path-stat']), 'base64').toString()) as { name: string; size: number };
        assert.deepEqual([stat.name, stat.size], ['owned-by-user', 10]);
        const mounts = await readFile('/proc/self/mountinfo', 'utf8');
        assert.ok(!mounts.includes(`/containers/`) || !mounts.includes(name), 'stopped rootfs unmounted again');
        assert.equal((await d.berth(['rm', name])).code, 0);
      });

      it('streams tars with -', async () => {
        const r = await run(['cp', 'web:/data/a.txt', '-']);
        assert.equal(r.code, 0);
        assert.match(r.stdout, /^a\.txt\0/);
        const tar = await makeTar([
          { name: 'streamed/', type: 'directory', mode: 0o755 },
          { name: 'streamed/s.txt', body: 'streamed\n', mode: 0o644 },
        ]);
        assert.equal((await run(['cp', '-', 'web:/tmp'], tar)).code, 0);
        assert.equal(await readFile(join(rootfs, 'tmp/streamed/s.txt'), 'utf8'), 'streamed\n');
        const notDir = await run(['cp', '-', 'web:/data/a.txt'], tar);
        assert.equal(notDir.code, 1);
      });
    });
  }

  it('-a keeps ownership from the container; without it files belong to the caller', async () => {
    assert.equal((await d.berth(['cp', '-a', 'web:/data/owned', join(tmp, 'owned-a')])).code, 0);
    assert.deepEqual([(await lstat(join(tmp, 'owned-a'))).uid, (await lstat(join(tmp, 'owned-a'))).gid], [42, 43]);
    assert.equal((await d.berth(['cp', 'web:/data/owned', join(tmp, 'owned')])).code, 0);
    assert.equal((await lstat(join(tmp, 'owned'))).uid, process.getuid!());
  });

  it('API: HEAD archive sends the path stat header with Go file modes and resolved link targets', async () => {
    const head = await d.api('HEAD', '/v1.41/containers/web/archive?path=/data/link');
    assert.equal(head.status, 200);
    const stat = JSON.parse(Buffer.from(String(head.headers['x-docker-container-path-stat']), 'base64').toString()) as {
      name: string;
      mode: number;
      linkTarget: string;
    };
    assert.equal(stat.name, 'link');
    assert.ok(Math.floor(stat.mode / 2 ** 27) % 2 === 1, 'ModeSymlink');
    assert.equal(stat.linkTarget, '/etc/hostname');
    const dir = await d.api('HEAD', '/v1.41/containers/web/archive?path=/data');
    const ds = JSON.parse(Buffer.from(String(dir.headers['x-docker-container-path-stat']), 'base64').toString()) as { mode: number };
    assert.ok(ds.mode >= 2 ** 31, 'ModeDir');
    assert.equal((await d.api('HEAD', '/v1.41/containers/web/archive?path=/nope')).status, 404);
    assert.equal((await d.api('HEAD', '/v1.41/containers/nope/archive?path=/')).status, 404);
  });

  describe('never leaves the container root', () => {
    it('symlinks are resolved inside the rootfs (absolute and climbing targets)', async () => {
      // /trap/root -> / : writes land in the container's /, not the host's
      assert.equal((await d.berth(['cp', join(tmp, 'host.txt'), 'web:/trap/root/tmp/via-link'])).code, 0);
      assert.ok(existsSync(join(rootfs, 'tmp/via-link')));
      assert.ok(!existsSync('/tmp/via-link'));
      // /trap/up -> ../../../.. : still the container's /etc/passwd
      const r = await d.berth(['cp', 'web:/trap/up/etc/passwd', join(tmp, 'passwd')]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(await readFile(join(tmp, 'passwd'), 'utf8'), await readFile(join(rootfs, 'etc/passwd'), 'utf8'));
      assert.equal((await berthToFile(d, ['cp', 'web:/trap/up/', '-'], join(tmp, 'up.tar'))).code, 0);
      const tar = (await readTar(await readFile(join(tmp, 'up.tar')))).map((m) => m.name);
      assert.ok(tar.includes('up/etc/passwd'), 'a directory reached through a link is packed from the rootfs');
    });

    it('rejects hostile tars: ../ entries, absolute names and writes through symlinks', async () => {
      const cases = [
        await makeTar([{ name: '../../../../../../tmp/berth-cp-escape', body: 'x' }]),
        await makeTar([
          { name: 'trap/root', type: 'symlink', linkname: '/' },
          { name: 'trap/root/tmp/berth-cp-escape2', body: 'x' },
        ]),
      ];
      for (const tar of cases) {
        const r = await d.berth(['cp', '-', 'web:/'], { input: tar });
        assert.notEqual(r.code, 0);
      }
      assert.ok(!existsSync('/tmp/berth-cp-escape') && !existsSync('/tmp/berth-cp-escape2'));
      // an absolute name is taken as relative to the target
      const abs = await makeTar([{ name: '/tmp/abs-name', body: 'x' }]);
      assert.equal((await d.berth(['cp', '-', 'web:/'], { input: abs })).code, 0);
      assert.ok(existsSync(join(rootfs, 'tmp/abs-name')) && !existsSync('/tmp/abs-name'));
    });

    it('refuses a read-only rootfs', async () => {
      assert.equal((await d.berth(['create', '--name', 'ro', '--read-only', 'busybox'])).code, 0);
      const r = await d.berth(['cp', join(tmp, 'host.txt'), 'ro:/tmp/']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /read-only/);
    });
  });
});
