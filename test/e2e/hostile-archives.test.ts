import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTar, readTar } from './archive-util.js';
import { eventually, startDaemon, type Daemon } from './harness.js';
import { rawGet, runMany } from './raw-http.js';

// Malicious tars and paths against cp/archive, image import and the builder: nothing is ever
// written or read outside the container, the image or the build context.

const V = '/v1.41';
const tarHeaders = { 'Content-Type': 'application/x-tar' };

describe('hostile archives', () => {
  let d: Daemon;
  let web: string;
  let rootfs: string;
  let tmp: string;
  let hostPasswd: string;
  let passwdLinks: number;
  const marker = `berth-hostile-${process.pid}`;

  before(async () => {
    d = await startDaemon();
    tmp = await mkdtemp(join(tmpdir(), 'berth-hostile-'));
    hostPasswd = await readFile('/etc/passwd', 'utf8');
    passwdLinks = (await stat('/etc/passwd')).nlink;
    const r = await d.berth([
      'run',
      '-d',
      '--name',
      'web',
      'busybox',
      'sh',
      '-c',
      'mkdir -p /trap /race && ln -s / /trap/root && ln -s ../../../../.. /trap/up && touch /ready && exec sleep 1000',
    ]);
    assert.equal(r.code, 0, r.stderr);
    web = r.stdout.trim();
    rootfs = join(d.dataRoot, 'containers', web, 'rootfs');
    for (let i = 0; i < 100 && !existsSync(join(rootfs, 'ready')); i++) await new Promise((res) => setTimeout(res, 50));
  });
  after(async () => {
    await d?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  /** Nothing of the host changed: no marker files at / or /tmp, /etc/passwd as it was and not hard-linked. */
  async function hostUntouched(): Promise<void> {
    for (const p of [`/${marker}`, `/tmp/${marker}`, `/etc/${marker}`, join(d.dir, marker), join(d.dataRoot, marker)])
      assert.ok(!existsSync(p), `${p} was written`);
    assert.equal(await readFile('/etc/passwd', 'utf8'), hostPasswd);
    assert.equal((await stat('/etc/passwd')).nlink, passwdLinks, 'the host /etc/passwd got a hard link');
  }

  const put = async (path: string, tar: Buffer) => d.api('PUT', `${V}/containers/${web}/archive?path=${encodeURIComponent(path)}`, tar, tarHeaders);

  it('PUT archive refuses ../, symlink-escape and hardlink-escape entries; absolute names stay inside', async () => {
    const refused: Array<[string, Buffer, RegExp]> = [
      ['a ../ entry', await makeTar([{ name: `../../../../../../tmp/${marker}`, body: 'x' }]), /escapes the target/],
      ['a ../ directory entry', await makeTar([{ name: `a/../../../${marker}/`, type: 'directory' }]), /escapes the target/],
      [
        'a symlink then a write through it',
        await makeTar([
          { name: 'esc', type: 'symlink', linkname: '/' },
          { name: `esc/tmp/${marker}`, body: 'x' },
        ]),
        /symlink/,
      ],
      [
        'a climbing symlink then a write through it',
        await makeTar([
          { name: 'up', type: 'symlink', linkname: '../../../../..' },
          { name: `up/tmp/${marker}`, body: 'x' },
        ]),
        /symlink/,
      ],
      ['a hard link to ../ ', await makeTar([{ name: marker, type: 'link', linkname: '../../../../../../etc/passwd' }]), /escapes the target/],
    ];
    for (const [what, tar, message] of refused) {
      const r = await put('/', tar);
      assert.equal(r.status, 400, `${what}: ${r.status} ${r.body}`);
      assert.match(r.body, message, what);
    }
    // Into a directory reached through the container's own symlinks: resolved inside the rootfs.
    assert.equal((await put('/trap/root/tmp', await makeTar([{ name: marker, body: 'via link' }]))).status, 200);
    assert.equal(await readFile(join(rootfs, 'tmp', marker), 'utf8'), 'via link');
    assert.equal((await put('/trap/up/etc', await makeTar([{ name: marker, body: 'via up' }]))).status, 200);
    assert.equal(await readFile(join(rootfs, 'etc', marker), 'utf8'), 'via up');
    // A write through a symlink the container already has (not from the tar): refused, not followed out.
    const through = await put('/trap', await makeTar([{ name: `root/tmp/${marker}-2`, body: 'x' }]));
    assert.ok(through.status === 400 || existsSync(join(rootfs, 'tmp', `${marker}-2`)), `${through.status} ${through.body}`);
    // Absolute names and absolute hard-link targets are taken inside the target.
    assert.equal((await put('/', await makeTar([{ name: `/tmp/${marker}-abs`, body: 'abs' }]))).status, 200);
    assert.equal(await readFile(join(rootfs, 'tmp', `${marker}-abs`), 'utf8'), 'abs');
    const hard = await put('/tmp', await makeTar([{ name: `${marker}-hard`, type: 'link', linkname: '/etc/passwd' }]));
    if (hard.status === 200) assert.equal((await stat(join(rootfs, 'tmp', `${marker}-hard`))).ino, (await stat(join(rootfs, 'etc/passwd'))).ino);
    else assert.equal(hard.status, 400, hard.body);
    await hostUntouched();
  });

  it('cp races: a path component swapped for a symlink to / while copying never leaves the rootfs', async () => {
    // The container flips /race/d between a directory and a symlink to / as fast as it can.
    const flip = await d.berth([
      'exec',
      '-d',
      'web',
      'sh',
      '-c',
      'while :; do rm -rf /race/d; mkdir -p /race/d/etc; echo inside > /race/d/etc/passwd; rm -rf /race/d; ln -s / /race/d; done',
    ]);
    assert.equal(flip.code, 0, flip.stderr);
    const inside = await readFile(join(rootfs, 'etc/passwd'), 'utf8');
    const tar = await makeTar([{ name: marker, body: 'raced' }]);
    const statuses = new Map<number, number>();
    await runMany(
      300,
      4,
      async (i) => {
        if (i % 2 === 0) return { kind: 'put', status: (await put('/race/d', tar)).status, body: '' };
        // A file removed after its stat went out as a header ends the stream early (as Docker's does): status 0.
        const r = await rawGet(d.socket, `${V}/containers/${web}/archive?path=${encodeURIComponent('/race/d/etc/passwd')}`).catch(() => ({
          status: 0,
          body: Buffer.alloc(0),
        }));
        const body = r.status === 200 ? ((await readTar(r.body).catch(() => []))[0]?.body.toString() ?? '') : '';
        return { kind: 'get', status: r.status, body };
      },
      (r) => {
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        assert.ok(r.status < 500, `${r.kind}: ${r.status}`);
        // The flipping loop's own file (maybe caught half-written), or the container's /etc/passwd: never the host's.
        if (r.kind === 'get' && r.status === 200)
          assert.ok(['', 'inside\n', inside].includes(r.body) && r.body !== hostPasswd, `read ${JSON.stringify(r.body.slice(0, 80))}`);
      },
    );
    process.stderr.write(`# hostile-archives: cp race statuses ${JSON.stringify(Object.fromEntries(statuses))}\n`);
    await d.berth(['exec', 'web', 'sh', '-c', 'pkill -f "while :" || kill $(pgrep -f "while :") || true']);
    await hostUntouched();
  });

  /** Blobs, half-written blobs and layers (temp ones too) in the data root. */
  const stored = async (): Promise<string[]> => {
    const ls = (dir: string) =>
      readdir(join(d.dataRoot, dir)).then(
        (n) => n.map((x) => `${dir}/${x}`),
        () => [] as string[],
      );
    return [...(await ls('content/blobs/sha256')), ...(await ls('content/ingest')), ...(await ls('snapshots/layers'))].sort();
  };

  it('image import refuses layer tars with ../, symlink-escape and hardlink-escape entries, storing nothing', async () => {
    const before = (await d.api('GET', `${V}/images/json?all=1`)).json as unknown[];
    const files = await stored();
    const cases: Array<[string, Buffer]> = [
      ['../', await makeTar([{ name: `../../${marker}`, body: 'x' }])],
      [
        'symlink escape',
        await makeTar([
          { name: 'esc', type: 'symlink', linkname: '/' },
          { name: `esc/tmp/${marker}`, body: 'x' },
        ]),
      ],
      ['hardlink escape', await makeTar([{ name: marker, type: 'link', linkname: '../../../../../etc/passwd' }])],
    ];
    for (const [what, tar] of cases) {
      const r = await d.api('POST', `${V}/images/create?fromSrc=-&repo=hostile`, tar, tarHeaders);
      assert.match(r.body, /escapes the target|symlink|error/i, `${what}: ${r.status} ${r.body}`);
    }
    assert.equal(((await d.api('GET', `${V}/images/json?all=1`)).json as unknown[]).length, before.length, 'no image stored');
    assert.deepEqual(await stored(), files, 'no blob, half-written blob or layer left behind');
    await hostUntouched();
  });

  it('an import whose upload is cut off half-way stores nothing (the tar was being stored and unpacked at once)', async () => {
    const files = await stored();
    const big = await makeTar(Array.from({ length: 40 }, (_, i) => ({ name: `f${i}`, body: Buffer.alloc(256 * 1024, i) })));
    await new Promise<void>((resolve) => {
      const req = request({
        socketPath: d.socket,
        method: 'POST',
        path: `${V}/images/create?fromSrc=-&repo=cut`,
        headers: { ...tarHeaders, 'Content-Length': String(big.length) },
      });
      req.on('error', () => resolve());
      req.on('response', (res) => (res.resume(), res.on('close', resolve)));
      req.write(big.subarray(0, big.length / 2), () => setTimeout(() => (req.destroy(), resolve()), 300));
    });
    await eventually('the cut import to leave nothing behind', async () => JSON.stringify(await stored()) === JSON.stringify(files), 10_000);
    assert.equal(((await d.api('GET', `${V}/images/json?filters=${encodeURIComponent(JSON.stringify({ reference: ['cut'] }))}`)).json as unknown[]).length, 0);
  });

  describe('hostile Dockerfiles', () => {
    const build = async (files: Record<string, string>, prepare?: (dir: string) => Promise<void>) => {
      const dir = await mkdtemp(join(tmp, 'ctx-'));
      for (const [name, body] of Object.entries(files)) {
        await mkdir(join(dir, name, '..'), { recursive: true });
        await writeFile(join(dir, name), body);
      }
      await prepare?.(dir);
      return d.berth(['build', '-q', dir], { timeoutMs: 60_000 });
    };

    it('COPY ../x, COPY /etc/passwd and a context symlink to outside stay in the context', async () => {
      const up = await build({ Dockerfile: 'FROM busybox\nCOPY ../../../../etc/passwd /x\n' });
      assert.equal(up.code, 1);
      assert.match(up.stderr, /forbidden path outside the build context/);
      // An absolute source is a path in the context, not on the host.
      const abs = await build({ Dockerfile: 'FROM busybox\nCOPY /etc/passwd /x\n' });
      assert.equal(abs.code, 1);
      assert.match(abs.stderr, /not found/);
      const own = await build({ Dockerfile: 'FROM busybox\nCOPY /etc/passwd /x\nRUN cat /x\n', 'etc/passwd': 'context passwd\n' });
      assert.equal(own.code, 0, own.stderr);
      const dirLink = await build({ Dockerfile: 'FROM busybox\nCOPY evil/passwd /x\n' }, (dir) => symlink('/etc', join(dir, 'evil')));
      assert.equal(dirLink.code, 1, 'a directory symlink to /etc is not followed out of the context');
      assert.match(dirLink.stderr, /not found|forbidden/);
      const climb = await build({ Dockerfile: 'FROM busybox\nCOPY evil /x\n' }, (dir) => symlink('../../../../../../etc/passwd', join(dir, 'evil')));
      if (climb.code === 0) {
        const r = await d.berth(['run', '--rm', climb.stdout.trim(), 'cat', '/x']);
        assert.notEqual(r.stdout, hostPasswd, 'the host /etc/passwd was copied into the image');
      } else assert.match(climb.stderr, /not found|forbidden/);
    });

    it('ADD of a local tar with ../ or symlink-escape entries fails, writing nothing outside', async () => {
      for (const entries of [
        [{ name: `../../../../tmp/${marker}`, body: 'x' }],
        [
          { name: 'esc', type: 'symlink' as const, linkname: '/' },
          { name: `esc/tmp/${marker}`, body: 'x' },
        ],
      ]) {
        const r = await build({ Dockerfile: 'FROM busybox\nADD evil.tar /unpacked/\n' }, async (dir) =>
          writeFile(join(dir, 'evil.tar'), await makeTar(entries)),
        );
        assert.equal(r.code, 1, r.stdout);
        assert.match(r.stderr, /escapes the target|symlink/);
      }
      await hostUntouched();
    });
  });
});
