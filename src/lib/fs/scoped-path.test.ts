import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveInRoot, ScopedPathError } from './scoped-path.js';

describe('resolveInRoot', () => {
  it('resolves symlinks inside the root: absolute targets start at it, .. stops at it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'scoped-'));
    try {
      await mkdir(join(root, 'etc/sub'), { recursive: true });
      await writeFile(join(root, 'etc/passwd'), 'inside');
      await symlink('/', join(root, 'rootlink'));
      await symlink('../../../../..', join(root, 'etc/sub/up'));
      await symlink('/etc/passwd', join(root, 'pw'));
      await symlink('loop', join(root, 'loop'));
      const cases: Array<[string, boolean, string, string]> = [
        ['/rootlink/etc/passwd', false, '/etc/passwd', 'passwd'],
        ['/etc/sub/up/etc/passwd', false, '/etc/passwd', 'passwd'],
        ['/../../etc/passwd', false, '/etc/passwd', 'passwd'],
        ['/pw', false, '/pw', 'pw'],
        ['/pw', true, '/etc/passwd', 'passwd'],
        ['/etc/.', false, '/etc', ''],
        ['/etc/missing', false, '/etc/missing', 'missing'],
        ['/', false, '/', ''],
      ];
      for (const [path, follow, resolved, name] of cases) {
        const sp = await resolveInRoot(root, path, follow);
        assert.deepEqual([sp.resolved, sp.name], [resolved, name], path);
        await sp.close();
      }
      await assert.rejects(resolveInRoot(root, '/missing/x', false), (e: unknown) => e instanceof ScopedPathError && e.code === 'ENOENT');
      await assert.rejects(resolveInRoot(root, '/etc/passwd/x', false), (e: unknown) => e instanceof ScopedPathError && e.code === 'ENOTDIR');
      await assert.rejects(resolveInRoot(root, '/loop', true), (e: unknown) => e instanceof ScopedPathError && e.code === 'ELOOP');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('crosses mounts as the kernel does: the longest destination wins, .. and symlinks stay in the root view', async () => {
    const base = await mkdtemp(join(tmpdir(), 'scoped-mounts-'));
    try {
      const [root, vol, inner, hostFile] = ['root', 'vol', 'inner', 'file'].map((n) => join(base, n)) as [string, string, string, string];
      await mkdir(join(root, 'data/sub'), { recursive: true });
      await mkdir(join(root, 'etc'), { recursive: true });
      await writeFile(join(root, 'etc/passwd'), 'container');
      await writeFile(join(root, 'data/hidden'), 'under the mount');
      await mkdir(join(vol, 'sub'), { recursive: true });
      await writeFile(join(vol, 'v.txt'), 'volume');
      await symlink('/etc/passwd', join(vol, 'abs'));
      await symlink('../../../../../../etc/passwd', join(vol, 'up'));
      await mkdir(inner);
      await writeFile(join(inner, 'i.txt'), 'inner');
      await writeFile(hostFile, 'bound file');
      await writeFile(join(base, 'outside'), 'host');
      const mounts = new Map([
        ['/data', vol],
        ['/data/sub', inner],
        ['/etc/bound', hostFile],
      ]);
      const read = async (path: string, follow = true): Promise<[string, string | undefined]> => {
        const sp = await resolveInRoot(root, path, follow, mounts);
        try {
          return [await readFile(sp.hostPath, 'utf8'), sp.mount];
        } finally {
          await sp.close();
        }
      };
      assert.deepEqual(await read('/data/v.txt'), ['volume', '/data']);
      assert.deepEqual(await read('/data/sub/i.txt'), ['inner', '/data/sub']);
      assert.deepEqual(await read('/data/abs'), ['container', undefined]);
      assert.deepEqual(await read('/data/up'), ['container', undefined]);
      assert.deepEqual(await read('/data/sub/../v.txt'), ['volume', '/data']);
      assert.deepEqual(await read('/data/../etc/passwd'), ['container', undefined]);
      assert.deepEqual(await read('/etc/bound'), ['bound file', '/etc/bound']);
      await assert.rejects(
        resolveInRoot(root, '/data/hidden', false, mounts).then((sp) => readFile(sp.hostPath)),
        { code: 'ENOENT' },
      );
      const top = await resolveInRoot(root, '/data', false, mounts);
      assert.deepEqual([top.name, top.resolved, top.mount], ['', '/data', '/data']);
      await top.close();
      await assert.rejects(resolveInRoot(root, '/etc/bound/x', false, mounts), (e: unknown) => e instanceof ScopedPathError && e.code === 'ENOTDIR');
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});
