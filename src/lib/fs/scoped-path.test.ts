import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
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
});
