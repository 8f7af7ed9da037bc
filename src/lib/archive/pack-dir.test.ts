import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { link, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { extract } from 'tar-stream';
import type { Readable } from 'node:stream';
import { overlayChanges } from '../fs/overlay-changes.js';
import { packDir } from './pack-dir.js';
import { tempDir } from './tar-fixture.js';
import { mknod, setXattr } from './xattr.js';

let base = '';
let n = 0;
let cleanup: () => Promise<void> = async () => {};
before(async () => ({ path: base, cleanup } = await tempDir('berth-pack-')));
after(() => cleanup());

async function listTar(stream: Readable): Promise<Array<{ name: string; type: string; linkname?: string | null; body: string; pax?: unknown }>> {
  const ex = extract();
  const out: Array<{ name: string; type: string; linkname?: string | null; body: string; pax?: unknown }> = [];
  stream.pipe(ex as unknown as NodeJS.WritableStream);
  for await (const entry of ex) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    const h = entry.header as { name: string; type: string; linkname?: string | null; pax?: unknown };
    out.push({ name: h.name, type: h.type, linkname: h.linkname, body: Buffer.concat(chunks).toString(), ...(h.pax ? { pax: h.pax } : {}) });
  }
  return out;
}

/** An upper dir as overlayfs leaves it, over a lower dir holding etc/{passwd,group} and var/cache/old. */
async function overlayFixture(): Promise<{ upper: string; lower: string }> {
  const upper = join(base, `upper-${++n}`);
  const lower = join(base, `lower-${n}`);
  for (const d of ['etc', 'var/cache']) await mkdir(join(lower, d), { recursive: true });
  for (const f of ['etc/passwd', 'etc/group', 'var/cache/old']) await writeFile(join(lower, f), 'x');
  await mkdir(join(upper, 'etc'), { recursive: true });
  await mkdir(join(upper, 'var/cache'), { recursive: true });
  await mknod(join(upper, 'etc/passwd'), 'c', 0, 0);
  await writeFile(join(upper, 'etc/group'), 'changed');
  await setXattr(join(upper, 'var/cache'), 'trusted.overlay.opaque', Buffer.from('y'));
  await writeFile(join(upper, 'var/cache/new'), 'n');
  await writeFile(join(upper, 'a'), 'hello');
  await link(join(upper, 'a'), join(upper, 'b'));
  await symlink('/nowhere', join(upper, 'sl'));
  await setXattr(join(upper, 'a'), 'user.note', Buffer.from('hi'));
  return { upper, lower };
}

test('packs an overlay upper dir with OCI whiteouts, hard links, symlinks and xattrs', async () => {
  const { upper } = await overlayFixture();
  const { stream, done } = packDir(upper, { whiteouts: 'overlay' });
  const entries = await listTar(stream);
  await done;
  assert.deepEqual(
    entries.map((e) => `${e.type} ${e.name}`),
    [
      'file a',
      'link b',
      'directory etc/',
      'file etc/group',
      'file etc/.wh.passwd',
      'symlink sl',
      'directory var/',
      'directory var/cache/',
      'file var/cache/.wh..wh..opq',
      'file var/cache/new',
    ],
  );
  assert.equal(entries.find((e) => e.name === 'a')!.body, 'hello');
  assert.equal(entries.find((e) => e.name === 'b')!.linkname, 'a');
  assert.equal(entries.find((e) => e.name === 'sl')!.linkname, '/nowhere');
  assert.equal((entries.find((e) => e.name === 'a')!.pax as Record<string, string>)['SCHILY.xattr.user.note'], 'hi');
  assert.equal(JSON.stringify(entries).includes('trusted.overlay'), false);
});

test('without overlay mode a whiteout device is packed as a device', async () => {
  const { upper } = await overlayFixture();
  const { stream } = packDir(upper, { exclude: (rel) => rel === 'var' });
  const entries = await listTar(stream);
  assert.ok(entries.some((e) => e.name === 'etc/passwd' && e.type === 'character-device'));
  assert.ok(!entries.some((e) => e.name.startsWith('var')));
});

test('overlay changes: whiteouts deleted, lower paths modified, new paths added', async () => {
  const { upper, lower } = await overlayFixture();
  const changes = await overlayChanges(upper, [lower]);
  assert.deepEqual(
    changes.map((c) => `${'CAD'[c.Kind]} ${c.Path}`),
    ['A /a', 'A /b', 'C /etc', 'C /etc/group', 'D /etc/passwd', 'A /sl', 'C /var', 'C /var/cache', 'A /var/cache/new'],
  );
});

test('overlay changes leave out ignored paths, and directories changed only by them', async () => {
  const { upper, lower } = await overlayFixture();
  await writeFile(join(upper, 'etc/hosts'), '');
  await mkdir(join(upper, 'proc'));
  await mkdir(join(upper, 'only'));
  await writeFile(join(upper, 'only/hostname'), '');
  await mkdir(join(lower, 'only'));
  const changes = await overlayChanges(upper, [lower], new Set(['etc/hosts', 'proc', 'only/hostname']));
  const lines = changes.map((c) => `${'CAD'[c.Kind]} ${c.Path}`);
  assert.ok(lines.includes('C /etc'), 'still holds real changes');
  assert.ok(!lines.some((l) => /hosts|proc|only/.test(l)), lines.join('|'));
});

test('known content is taken instead of the file when the sizes agree; xattrs are read where the directory has some', async () => {
  const dir = join(base, `known-${++n}`);
  await mkdir(join(dir, 'plain'), { recursive: true });
  await mkdir(join(dir, 'acl'));
  await writeFile(join(dir, 'plain/a'), 'disk');
  await writeFile(join(dir, 'plain/b'), 'disk');
  await writeFile(join(dir, 'acl/c'), 'disk');
  await writeFile(join(dir, 'top'), 'disk');
  await setXattr(join(dir, 'acl'), 'user.dir', Buffer.from('d'));
  await setXattr(join(dir, 'acl/c'), 'user.file', Buffer.from('f'));
  await setXattr(join(dir, 'top'), 'user.file', Buffer.from('t'));
  const known = new Map([
    ['plain/a', Buffer.from('KNWN')], // same size: taken as the content
    ['plain/b', Buffer.from('longer than on disk')], // another size: the file is read
    ['acl/c', Buffer.from('KNWN')],
    ['top', Buffer.from('KNWN')],
  ]);
  const { stream, done } = packDir(dir, { known });
  const entries = await listTar(stream);
  await done;
  const of = (name: string): { body: string; pax?: unknown } => entries.find((e) => e.name === name)!;
  const xattr = (name: string): string | undefined => (of(name).pax as Record<string, string> | undefined)?.['SCHILY.xattr.user.file'];
  assert.equal(of('plain/a').body, 'KNWN');
  assert.equal(of('plain/b').body, 'disk');
  assert.equal(of('acl/c').body, 'KNWN');
  assert.equal(xattr('acl/c'), 'f', 'in a directory with xattrs, a known file still gets its own');
  assert.equal(xattr('top'), 't', 'at the top, whose directory is not listed, too');
  assert.equal(of('plain/a').pax, undefined);
});
