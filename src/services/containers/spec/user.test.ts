import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isKind } from '../../../lib/errdefs.js';
import { readFileInRoot, resolveUser } from './user.js';

const PASSWD = `root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
# a comment
www-data:x:33:33:www-data:/var/www:/bin/false
broken:x:notanumber:1::/:/bin/sh
app:x:1000:1000::/home/app:/bin/sh
`;
const GROUP = `root:x:0:root
wheel:x:10:root,app
www-data:x:33:
staff:x:50:app
app:x:1000:
`;

let base: string;

async function makeRoot(name: string, files: Record<string, string> = {}): Promise<string> {
  const root = join(base, name);
  await mkdir(join(root, 'etc'), { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

const notFoundUser = (name: string) => (err: unknown) =>
  isKind(err, 'InvalidArgument') && (err as Error).message === `unable to find user ${name}: no matching entries in passwd file`;

before(async () => {
  base = await mkdtemp(join(tmpdir(), 'berth-user-'));
});
after(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('resolveUser forms', () => {
  let root: string;
  before(async () => {
    root = await makeRoot('std', { 'etc/passwd': PASSWD, 'etc/group': GROUP });
  });

  test("'' is root with root's groups and home", async () => {
    assert.deepEqual(await resolveUser(root, ''), { uid: 0, gid: 0, additionalGids: [0, 10], home: '/root' });
    assert.deepEqual(await resolveUser(root, undefined), await resolveUser(root, ''));
  });

  test('name brings gid, home and supplementary groups', async () => {
    assert.deepEqual(await resolveUser(root, 'app'), { uid: 1000, gid: 1000, additionalGids: [1000, 10, 50], home: '/home/app' });
    assert.deepEqual(await resolveUser(root, 'www-data'), { uid: 33, gid: 33, additionalGids: [33], home: '/var/www' });
  });

  test('uid known and unknown to passwd', async () => {
    assert.deepEqual(await resolveUser(root, '1000'), { uid: 1000, gid: 1000, additionalGids: [1000, 10, 50], home: '/home/app' });
    assert.deepEqual(await resolveUser(root, '4242'), { uid: 4242, gid: 0, additionalGids: [0], home: '/' });
  });

  test('name:group and uid:gid set the group explicitly, without supplementary groups', async () => {
    assert.deepEqual(await resolveUser(root, 'app:staff'), { uid: 1000, gid: 50, additionalGids: [50], home: '/home/app' });
    assert.deepEqual(await resolveUser(root, '1000:10'), { uid: 1000, gid: 10, additionalGids: [10], home: '/home/app' });
    assert.deepEqual(await resolveUser(root, '4242:4343'), { uid: 4242, gid: 4343, additionalGids: [4343], home: '/' });
    assert.deepEqual(await resolveUser(root, '4242:wheel'), { uid: 4242, gid: 10, additionalGids: [10], home: '/' });
  });

  test('unknown names are InvalidArgument in Docker words', async () => {
    await assert.rejects(resolveUser(root, 'nobody'), notFoundUser('nobody'));
    await assert.rejects(resolveUser(root, 'broken'), notFoundUser('broken'));
    await assert.rejects(
      resolveUser(root, 'app:nogroup'),
      (err) => isKind(err, 'InvalidArgument') && /unable to find group nogroup: no matching entries in group file/.test((err as Error).message),
    );
    await assert.rejects(resolveUser(root, '99999999999'), (err) => isKind(err, 'InvalidArgument'));
  });
});

describe('resolveUser without /etc/passwd or /etc/group', () => {
  test('root and numeric users get defaults; names fail', async () => {
    const root = await makeRoot('empty');
    assert.deepEqual(await resolveUser(root, ''), { uid: 0, gid: 0, additionalGids: [0], home: '/' });
    assert.deepEqual(await resolveUser(root, '1:2'), { uid: 1, gid: 2, additionalGids: [2], home: '/' });
    await assert.rejects(resolveUser(root, 'root'), notFoundUser('root'));
  });
});

describe('symlinks stay inside the rootfs', () => {
  let outside: string;
  before(async () => {
    // A host file an escaping lookup would find: it names a user "evil".
    outside = join(base, 'outside', 'etc', 'passwd');
    await mkdir(join(outside, '..'), { recursive: true });
    await writeFile(outside, 'evil:x:31337:31337::/evil:/bin/sh\n');
  });

  test('etc/passwd → /etc/shadow reads the rootfs file, not the host one', async () => {
    const root = await makeRoot('shadow');
    await symlink('/etc/shadow', join(root, 'etc/passwd'));
    // The host's /etc/shadow has a "root" line; read as passwd it would match.
    await assert.rejects(resolveUser(root, 'root'), notFoundUser('root'));
    assert.deepEqual(await resolveUser(root, ''), { uid: 0, gid: 0, additionalGids: [0], home: '/' });
    await writeFile(join(root, 'etc/shadow'), 'mallory:x:4242:4242::/m:/bin/sh\n');
    assert.equal((await resolveUser(root, 'mallory')).uid, 4242);
  });

  test('an absolute link to a host path is taken relative to the rootfs', async () => {
    const root = await makeRoot('abs');
    await symlink(outside, join(root, 'etc/passwd'));
    await assert.rejects(resolveUser(root, 'evil'), notFoundUser('evil'));
  });

  test('a relative ../ escape is clamped at the rootfs', async () => {
    const root = await makeRoot('a/b/rel');
    // From base/a/b/rel/etc, four ".." on the host reach base, then outside/etc/passwd.
    await symlink('../../../../outside/etc/passwd', join(root, 'etc/passwd'));
    await assert.rejects(resolveUser(root, 'evil'), notFoundUser('evil'));
  });

  test('../../../../etc/passwd resolves to itself inside the rootfs: a loop, not the host file', async () => {
    const root = await makeRoot('loop');
    await symlink('../../../../etc/passwd', join(root, 'etc/passwd'));
    await assert.rejects(resolveUser(root, 'root'), (err) => isKind(err, 'InvalidArgument') && /symbolic links/.test((err as Error).message));
  });

  test('a symlinked /etc directory and relative links inside the rootfs work', async () => {
    const root = await makeRoot('dirlink', { 'real/etc/passwd.d/passwd': PASSWD, 'real/etc/group': GROUP });
    await rm(join(root, 'etc'), { recursive: true });
    await symlink('/real/etc', join(root, 'etc'));
    await symlink('passwd.d/../passwd.d/passwd', join(root, 'real/etc/passwd'));
    assert.equal(await readFileInRoot(root, '/etc/passwd'), PASSWD);
    assert.equal((await resolveUser(root, 'app')).home, '/home/app');
  });

  test('a FIFO or directory as /etc/passwd is ignored', async () => {
    const root = await makeRoot('dir');
    await mkdir(join(root, 'etc/passwd'));
    execFileSync('mkfifo', [join(root, 'etc/group')]); // opening it blocking would hang
    assert.deepEqual(await resolveUser(root, ''), { uid: 0, gid: 0, additionalGids: [0], home: '/' });
  });
});
