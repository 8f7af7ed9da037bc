import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { lstat, readFile, readlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { readTar } from './archive-util.js';
import { buildkitSuite, buildxSkip } from './buildx-plugin.js';
import { dockerOk, type Daemon } from './harness.js';

// `docker build --output …` through buildx: BuildKit's exporters sending the result to the client's session.
describe('BuildKit outputs through buildx (docker driver)', { skip: buildxSkip }, () => {
  let d: Daemon;
  let tmp: string;
  let n = 0;
  const { docker, context, failure } = buildkitSuite('berth-bk-output-', (daemon, dir) => ((d = daemon), (tmp = dir)));
  /** `docker build -o DIR` of `dir`; returns DIR. */
  const buildToDir = async (dir: string): Promise<string> => {
    const dest = join(tmp, `out${n++}`);
    const r = await docker(['build', '-o', dest, dir]);
    assert.equal(r.code, 0, failure(r));
    return dest;
  };
  const text = (dir: string, rel: string): Promise<string> => readFile(join(dir, rel), 'utf8');

  // The final stage is FROM scratch: the output holds exactly what it copied.
  const scratchStage = {
    Dockerfile:
      'FROM busybox AS gen\nRUN mkdir -p /out/sub && echo generated > /out/sub/gen.txt && ln -s sub/gen.txt /out/link\n' +
      'FROM scratch\nCOPY a.txt /a.txt\nCOPY --from=gen /out/ /\n',
    'a.txt': 'hello-output\n',
  };

  it("-o DIR (type=local) writes the final stage's files into DIR", async () => {
    const dir = await context(scratchStage);
    const dest = join(tmp, 'local-out');
    const r = await docker(['build', '--progress=plain', '-o', dest, dir]);
    assert.equal(r.code, 0, failure(r));
    assert.match(r.stderr, /exporting to client directory/);
    assert.equal(await readFile(join(dest, 'a.txt'), 'utf8'), 'hello-output\n');
    assert.equal(await readFile(join(dest, 'sub', 'gen.txt'), 'utf8'), 'generated\n');
    assert.ok((await lstat(join(dest, 'link'))).isSymbolicLink());
    assert.equal(await readlink(join(dest, 'link')), 'sub/gen.txt');
  });

  it('--output type=local of a busybox stage has its whole root filesystem', async () => {
    const dir = await context({ Dockerfile: 'FROM busybox\nRUN echo made > /made.txt\n' });
    const dest = join(tmp, 'local-full');
    const r = await docker(['build', '--output', `type=local,dest=${dest}`, dir]);
    assert.equal(r.code, 0, failure(r));
    assert.equal(await readFile(join(dest, 'made.txt'), 'utf8'), 'made\n');
    assert.ok((await lstat(join(dest, 'bin', 'busybox'))).size > 100_000, "the base layer's files too");
    const [busybox, sh] = await Promise.all([lstat(join(dest, 'bin', 'busybox')), lstat(join(dest, 'bin', 'sh'))]);
    assert.equal(sh.ino, busybox.ino, 'hard links stay links');
  });

  it('--output type=tar,dest=FILE writes a tar of the final stage', async () => {
    const dir = await context(scratchStage);
    const dest = join(tmp, 'out.tar');
    const r = await docker(['build', '--progress=plain', '--output', `type=tar,dest=${dest}`, dir]);
    assert.equal(r.code, 0, failure(r));
    assert.match(r.stderr, /exporting to client tarball/);
    const members = await readTar(await readFile(dest));
    const byName = new Map(members.map((m) => [m.name.replace(/^\.\//, '').replace(/\/$/, ''), m]));
    assert.equal(byName.get('a.txt')?.body.toString(), 'hello-output\n', [...byName.keys()].join(' '));
    assert.equal(byName.get('sub/gen.txt')?.body.toString(), 'generated\n');
    assert.equal(byName.get('link')?.linkname, 'sub/gen.txt');
    assert.equal(byName.get('sub')?.type, 'directory');
  });

  for (const type of ['docker', 'oci']) {
    it(`--output type=${type},dest=FILE writes an image archive that docker load takes back`, async () => {
      const dir = await context({ Dockerfile: `FROM busybox\nRUN echo ${type}-archive > /which\nCMD ["cat", "/which"]\n` });
      const dest = join(tmp, `${type}.tar`);
      const tag = `bk-out-${type}:v1`;
      const r = await docker(['build', '--progress=plain', '-t', tag, '--output', `type=${type},dest=${dest}`, dir]);
      assert.equal(r.code, 0, failure(r));
      assert.match(r.stderr, new RegExp(`exporting to ${type} image format`));
      const members = await readTar(await readFile(dest));
      assert.ok(
        members.some((m) => m.name === 'index.json'),
        'an OCI layout',
      );
      if (type === 'docker')
        assert.ok(
          members.some((m) => m.name === 'manifest.json'),
          'a docker archive',
        );
      assert.notEqual((await docker(['image', 'inspect', tag])).code, 0, 'the name is in the archive only, not in the store');
      const load = await docker(['load', '-i', dest]);
      assert.equal(load.code, 0, failure(load));
      assert.match(load.stdout, /Loaded image/);
      assert.equal(await dockerOk(d, ['run', '--rm', tag]), `${type}-archive\n`);
    });
  }

  it('COPY --link --exclude leaves the excluded files out (repeated --exclude, nested patterns)', async () => {
    const dir = await context({
      Dockerfile: 'FROM scratch\nCOPY --link --exclude=*.log --exclude=dir/*.log . /app/\n',
      'a.txt': 'a\n',
      'b.log': 'b\n',
      'dir/c.txt': 'c\n',
      'dir/d.log': 'd\n',
    });
    const dest = await buildToDir(dir);
    assert.equal(await text(dest, 'app/a.txt'), 'a\n');
    assert.equal(await text(dest, 'app/dir/c.txt'), 'c\n');
    assert.equal(existsSync(join(dest, 'app', 'b.log')), false, 'b.log excluded');
    assert.equal(existsSync(join(dest, 'app', 'dir', 'd.log')), false, 'dir/d.log excluded');
  });

  it('COPY --parents keeps the source paths under the destination (and below a /./ pivot)', async () => {
    const dir = await context({
      Dockerfile: 'FROM scratch\nCOPY --parents x/a.txt y/*.txt /out/\nCOPY --parents ./base/./keep/k.txt /piv/\nCOPY --parents z /dirs/\n',
      'x/a.txt': 'xa\n',
      'y/b.txt': 'yb\n',
      'base/keep/k.txt': 'k\n',
      'z/deep/f.txt': 'zf\n',
    });
    const dest = await buildToDir(dir);
    assert.equal(await text(dest, 'out/x/a.txt'), 'xa\n');
    assert.equal(await text(dest, 'out/y/b.txt'), 'yb\n');
    assert.equal(await text(dest, 'piv/keep/k.txt'), 'k\n');
    assert.equal(await text(dest, 'dirs/z/deep/f.txt'), 'zf\n');
  });

  it('COPY --link on top of a base image gives a runnable image with the file', async () => {
    const dir = await context({ Dockerfile: 'FROM busybox\nCOPY --link a.txt /linked/a.txt\nCMD ["cat", "/linked/a.txt"]\n', 'a.txt': 'linked\n' });
    const r = await docker(['build', '-t', 'bk-link', dir]);
    assert.equal(r.code, 0, failure(r));
    assert.equal(await dockerOk(d, ['run', '--rm', 'bk-link']), 'linked\n');
  });

  it("ADD --checksum: the right digest adds the file, another fails with BuildKit's digest mismatch", async () => {
    const body = 'served over http\n';
    const server: Server = createServer((_req, res) => res.end(body));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/file.txt`;
      const good = `sha256:${createHash('sha256').update(body).digest('hex')}`;
      const bad = `sha256:${'0'.repeat(64)}`;
      const ok = await docker(['build', '-o', join(tmp, 'checksum-ok'), await context({ Dockerfile: `FROM scratch\nADD --checksum=${good} ${url} /f.txt\n` })]);
      assert.equal(ok.code, 0, failure(ok));
      assert.equal(await readFile(join(tmp, 'checksum-ok', 'f.txt'), 'utf8'), body);
      const r = await docker(['build', '-o', join(tmp, 'checksum-bad'), await context({ Dockerfile: `FROM scratch\nADD --checksum=${bad} ${url} /f.txt\n` })]);
      assert.notEqual(r.code, 0);
      assert.ok(r.stderr.includes(`digest mismatch ${bad}: ${good}`), failure(r));
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it("the classic builder refuses COPY --exclude and --parents as Docker's does", async () => {
    for (const flag of ['--exclude=*.log', '--parents']) {
      const dir = await context({ Dockerfile: `FROM busybox\nCOPY ${flag} a.txt /a/\n`, 'a.txt': 'a\n' });
      const r = await d.docker(['build', dir], { timeoutMs: 60_000, env: { DOCKER_BUILDKIT: '0' } });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, new RegExp(`the ${flag.split('=')[0]} option requires BuildKit`), failure(r));
    }
  });

  it("an unknown exporter fails with BuildKit's message", async () => {
    const dir = await context({ Dockerfile: 'FROM busybox\n' });
    const r = await docker(['build', '--output', 'type=bogus', dir]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /exporter "bogus" could not be found/, failure(r));
  });
});
