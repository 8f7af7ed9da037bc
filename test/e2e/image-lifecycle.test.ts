import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runProgram } from './clients.js';
import { startDaemon, type Daemon } from './harness.js';

const tarList = async (file: string): Promise<string[]> => (await runProgram('tar', ['-tf', file], process.env)).stdout.split('\n').filter(Boolean);

// commit, history, tag, diff, export, import from a URL, image filters, prune and df,
// through our CLI and the real docker CLI.
describe('image lifecycle', () => {
  let d: Daemon;
  let tmp: string;
  let http: Server;
  let port = 0;
  before(async () => {
    d = await startDaemon();
    tmp = await mkdtemp(join(tmpdir(), 'berth-lifecycle-'));
    // A tiny loopback HTTP server for `import URL`: serves files from tmp, 404 otherwise.
    http = createServer((req, res) => {
      void readFile(join(tmp, (req.url ?? '/').slice(1))).then(
        (data) => res.writeHead(200, { 'Content-Type': 'application/x-tar' }).end(data),
        () => res.writeHead(404).end('not here'),
      );
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    port = (http.address() as AddressInfo).port;
  });
  after(async () => {
    http?.close();
    await d?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  it('diff lists A/C/D from the upper dir (berth and docker)', async () => {
    const r = await d.berth(['run', '--name', 'src', 'busybox', 'sh', '-c', 'echo hi > /hello; rm /etc/group; mkdir /tmp/d']);
    assert.equal(r.code, 0, r.stderr);
    const diff = (await d.berth(['diff', 'src'])).stdout.split('\n');
    for (const line of ['A /hello', 'C /etc', 'D /etc/group', 'C /tmp', 'A /tmp/d']) assert.ok(diff.includes(line), `${line} in ${diff.join('|')}`);
    assert.deepEqual((await d.docker(['diff', 'src'])).stdout.split('\n'), diff);
    assert.ok(!diff.some((l) => /hosts|hostname|resolv/.test(l)), 'mount targets the runtime made are not changes');
    await d.berth(['run', '-d', '--name', 'idle', 'busybox', 'sleep', '1000']);
    assert.equal((await d.berth(['diff', 'idle'])).stdout, '', 'a fresh container has no changes');
    await d.berth(['rm', '-f', 'idle']);
    const missing = await d.berth(['diff', 'nope']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'Error response from daemon: No such container: nope\n');
  });

  it('commit makes parent layers + 1 with message, author and changes; history shows them', async () => {
    const base = JSON.parse((await d.berth(['image', 'inspect', 'busybox'])).stdout)[0] as { Id: string; RootFS: { Layers: string[] } };
    const c = await d.berth([
      'commit',
      '-m',
      'first commit',
      '-a',
      'Ann <ann@example.org>',
      '-c',
      'CMD ["cat", "/hello"]',
      '-c',
      'ENV A=1',
      '-c',
      'LABEL stage=one',
      'src',
      'mine:1',
    ]);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /^sha256:[0-9a-f]{64}\n$/);
    const img = JSON.parse((await d.berth(['image', 'inspect', 'mine:1'])).stdout)[0] as {
      Id: string;
      Parent: string;
      Author: string;
      Comment: string;
      Config: { Env: string[]; Labels: Record<string, string> };
      RootFS: { Layers: string[] };
      Size: number;
    };
    assert.equal(img.Id, c.stdout.trim());
    assert.equal(img.RootFS.Layers.length, base.RootFS.Layers.length + 1);
    assert.deepEqual(img.RootFS.Layers.slice(0, -1), base.RootFS.Layers);
    assert.equal(img.Parent, base.Id);
    assert.equal(img.Author, 'Ann <ann@example.org>');
    assert.equal(img.Comment, 'first commit');
    assert.ok(img.Config.Env.includes('A=1'));
    assert.equal(img.Config.Labels.stage, 'one');
    assert.equal((await d.berth(['run', '--rm', 'mine:1'])).stdout, 'hi\n');
    assert.equal((await d.berth(['run', '--rm', 'mine:1', 'sh', '-c', 'test -e /etc/group || echo gone; test -d /tmp/d && echo dir'])).stdout, 'gone\ndir\n');

    const hist = (await d.berth(['history', 'mine:1'])).stdout.split('\n');
    assert.match(hist[0]!, /^IMAGE +CREATED +CREATED BY +SIZE +COMMENT$/);
    assert.match(hist[1]!, new RegExp(`^${img.Id.slice(7, 19)} +.* ago +sh -c echo hi > /hello; rm /etc/group; mkdir… +\\d+(\\.\\d+)?kB +first commit$`));
    assert.match(hist[2]!, new RegExp(`^${base.Id.slice(7, 19)} +.* ago +\\d+(\\.\\d+)?[kM]B +Imported from -$`));
    assert.equal((await d.berth(['history', '-q', '--no-trunc', 'mine:1'])).stdout, `${img.Id}\n${base.Id}\n`);
    assert.match(
      (await d.berth(['history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Comment}}', 'mine:1'])).stdout,
      /^sh -c echo hi > \/hello; rm \/etc\/group; mkdir \/tmp\/d\|first commit\n/,
    );
    assert.match(
      (await d.berth(['history', '-H=false', '--format', '{{.Size}} {{.CreatedSince}}', 'mine:1'])).stdout,
      /^\d+ \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n/,
    );
    const viaDocker = (await d.docker(['history', 'mine:1'])).stdout.split('\n');
    assert.match(viaDocker[0]!, /^IMAGE +CREATED +CREATED BY +SIZE +COMMENT$/);
    assert.match(viaDocker[1]!, /first commit$/);

    // A commit of the commit: the middle step has its own image, an untagged one shows <missing>.
    await d.berth(['run', '--name', 'src2', 'mine:1', 'sh', '-c', 'echo two > /two']);
    const child = (await d.berth(['commit', 'src2'])).stdout.trim();
    const rows = (await d.berth(['history', '-q', child])).stdout.split('\n').filter(Boolean);
    assert.deepEqual(rows, [child.slice(7, 19), img.Id.slice(7, 19), base.Id.slice(7, 19)]);
    const parentRm = await d.berth(['rmi', img.Id]);
    assert.equal(parentRm.code, 1);
    assert.match(parentRm.stderr, /conflict: unable to delete [0-9a-f]{12} \(cannot be forced\) - image has dependent child images/);
  });

  it('commit of a running container pauses it and resumes it; docker commit works too', async () => {
    await d.berth(['run', '-d', '--name', 'live', 'busybox', 'sh', '-c', 'echo live > /live; exec sleep 1000']);
    const viaDocker = await d.docker(['commit', '-c', 'CMD ["cat", "/live"]', '-m', 'from docker', 'live', 'fromdocker:v1']);
    assert.equal(viaDocker.code, 0, viaDocker.stderr);
    assert.equal((await d.berth(['inspect', '-f', '{{.State.Status}}', 'live'])).stdout, 'running\n');
    assert.equal((await d.berth(['run', '--rm', 'fromdocker:v1'])).stdout, 'live\n');
    const noPause = await d.berth(['commit', '--pause=false', 'live', 'nopause']);
    assert.equal(noPause.code, 0, noPause.stderr);
    assert.match((await d.docker(['history', '--format', '{{.Comment}}', 'fromdocker:v1'])).stdout, /^from docker\n/);
    const bad = await d.berth(['commit', '-c', 'FROM x', 'live']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /FROM is not a valid change command/);
    const missing = await d.docker(['commit', 'nope']);
    assert.match(missing.stderr, /No such container: nope/);
  });

  it('tag adds names through both CLIs; rmi of a tag only untags', async () => {
    assert.equal((await d.berth(['tag', 'mine:1', 'other:2'])).code, 0);
    assert.equal((await d.docker(['tag', 'mine:1', 'registry.local:5000/team/third'])).code, 0);
    const names = (await d.berth(['images', '--format', '{{.Repository}}:{{.Tag}}', '--filter', 'reference=*:2'])).stdout;
    assert.equal(names, 'other:2\n');
    assert.match((await d.berth(['images', 'registry.local:5000/team/third'])).stdout, /registry.local:5000\/team\/third +latest/);
    assert.equal((await d.berth(['rmi', 'other:2'])).stdout, 'Untagged: other:2\n');
    const nope = await d.berth(['tag', 'nope', 'x']);
    assert.equal(nope.code, 1);
    assert.equal(nope.stderr, 'Error response from daemon: No such image: nope:latest\n');
  });

  it('export writes the merged filesystem; import from an http URL brings it back', async () => {
    const out = join(tmp, 'src.tar');
    const e = await d.berth(['export', '-o', out, 'src']);
    assert.equal(e.code, 0, e.stderr);
    const names = await tarList(out);
    assert.ok(names.includes('hello'));
    assert.ok(names.includes('bin/busybox') || names.includes('bin/sh'), names.slice(0, 20).join(' '));
    assert.ok(!names.includes('etc/group'));
    assert.ok(!names.some((n) => n.includes('.wh.')));
    const viaDocker = join(tmp, 'docker.tar');
    assert.equal((await d.docker(['export', '-o', viaDocker, 'src'])).code, 0);
    assert.deepEqual(await tarList(viaDocker), names);
    const piped = await runProgram('sh', ['-c', `node ${join(ROOT, 'dist/bin/berth.cjs')} export src | tar -t | grep -c .`], {
      ...process.env,
      BERTH_HOST: `unix://${d.socket}`,
    });
    assert.equal(Number(piped.stdout.trim()), names.length);

    const url = `http://127.0.0.1:${port}/src.tar`;
    const imp = await d.berth(['import', '-c', 'CMD ["cat", "/hello"]', '-m', 'via url', url, 'fromurl:1']);
    assert.equal(imp.code, 0, imp.stderr);
    assert.equal((await d.berth(['run', '--rm', 'fromurl:1'])).stdout, 'hi\n');
    assert.equal((await d.berth(['history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Comment}}', 'fromurl:1'])).stdout, `|via url\n`);
    const viaDockerImp = await d.docker(['import', `http://127.0.0.1:${port}/docker.tar`, 'fromurl:2']);
    assert.equal(viaDockerImp.code, 0, viaDockerImp.stderr);
    const missing = await d.berth(['import', `http://127.0.0.1:${port}/none.tar`, 'x:1']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /404/);
  });

  it('images filters (dangling, label, before, since, reference) and --digests', async () => {
    const list = async (...args: string[]): Promise<string[]> =>
      (await d.berth(['images', '--format', '{{.Repository}}:{{.Tag}}', ...args])).stdout.split('\n').filter(Boolean);
    assert.ok((await list('--filter', 'dangling=true')).every((n) => n === '<none>:<none>'));
    assert.ok(
      (await list('--filter', 'dangling=true')).length >= 1,
      (await d.berth(['images', '-a', '--no-trunc'])).stdout + (await d.api('GET', '/images/json?all=1')).body,
    );
    assert.deepEqual(await list('--filter', 'label=stage=one', '--filter', 'reference=mine'), ['mine:1']);
    assert.ok(!(await list('--filter', 'before=mine:1')).includes('fromurl:1'));
    assert.ok((await list('--filter', 'before=mine:1')).includes('busybox:latest'));
    assert.ok((await list('--filter', 'since=mine:1')).includes('fromurl:1'));
    assert.ok(!(await list('--filter', 'since=mine:1')).includes('busybox:latest'));
    assert.match((await d.berth(['images', '--digests'])).stdout, /^REPOSITORY +TAG +DIGEST +IMAGE ID +CREATED +SIZE\n/);
    const dockerDangling = (await d.docker(['images', '-q', '--filter', 'dangling=true'])).stdout;
    assert.equal(dockerDangling, (await d.berth(['images', '-q', '--filter', 'dangling=true'])).stdout);
    const insp = JSON.parse((await d.docker(['image', 'inspect', 'mine:1'])).stdout)[0] as {
      GraphDriver: { Name: string; Data: Record<string, string> };
      Size: number;
    };
    assert.equal(insp.GraphDriver.Name, 'overlayfs');
    assert.ok(insp.GraphDriver.Data.UpperDir!.startsWith(d.dataRoot));
    assert.equal(insp.GraphDriver.Data.LowerDir!.split(':').length, 1);
    assert.ok(insp.Size > 0);
  });

  it('system df, container prune, image prune [-a]', async () => {
    const df = (await d.berth(['system', 'df'])).stdout.split('\n');
    assert.match(df[0]!, /^TYPE +TOTAL +ACTIVE +SIZE +RECLAIMABLE$/);
    assert.match(df[1]!, /^Images +\d+ +\d+ +[\d.]+[kMG]?B +[\d.]+[kMG]?B \(\d+%\)$/);
    assert.match(df[2]!, /^Containers +\d+ +1 +/);
    assert.match((await d.docker(['system', 'df'])).stdout, /^TYPE +TOTAL +ACTIVE +SIZE +RECLAIMABLE\nImages /);
    const verbose = (await d.berth(['system', 'df', '-v'])).stdout;
    assert.match(verbose, /^Images space usage:\n\nREPOSITORY +TAG +IMAGE ID +CREATED +SIZE +SHARED SIZE +UNIQUE SIZE +CONTAINERS\n/);
    assert.match(verbose, /\nContainers space usage:\n\nCONTAINER ID +IMAGE +COMMAND +LOCAL VOLUMES +SIZE +CREATED +STATUS +NAMES\n/);
    assert.match(verbose, /\nBuild cache usage: 0B\n/);

    const cp = await d.berth(['container', 'prune', '-f']);
    assert.equal(cp.code, 0, cp.stderr);
    assert.match(cp.stdout, /^Deleted Containers:\n([0-9a-f]{64}\n)+\nTotal reclaimed space: /);
    assert.equal((await d.berth(['ps', '-a', '--format', '{{.Names}}'])).stdout, 'live\n');

    const ip = await d.berth(['image', 'prune', '-f']);
    assert.equal(ip.code, 0, ip.stderr);
    assert.match(ip.stdout, /^Deleted Images:\ndeleted: sha256:[0-9a-f]{64}\n/);
    assert.equal((await d.berth(['images', '-q', '--filter', 'dangling=true'])).stdout, '');

    const all = await d.docker(['image', 'prune', '-a', '-f']);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /untagged: mine:1/);
    // busybox is still used by the running container.
    assert.equal((await d.berth(['images', '--format', '{{.Repository}}'])).stdout, 'busybox\n');
    assert.match(all.stdout, /Total reclaimed space: [\d.]+[kM]B\n$/);

    assert.equal((await d.berth(['network', 'create', 'pruneme1'])).code, 0);
    const np = await d.berth(['network', 'prune', '-f']);
    assert.equal(np.code, 0, np.stderr);
    assert.equal(np.stdout, 'Deleted Networks:\npruneme1\n');

    assert.equal((await d.berth(['network', 'create', 'pruneme2'])).code, 0);
    assert.equal((await d.berth(['stop', '-t', '0', 'live'])).code, 0);
    const sys = await d.berth(['system', 'prune', '-a', '-f']);
    assert.equal(sys.code, 0, sys.stderr);
    assert.match(
      sys.stdout,
      /^Deleted Containers:\n[0-9a-f]{64}\n\nDeleted Networks:\npruneme2\nDeleted Images:\nuntagged: busybox:latest\ndeleted: sha256:[0-9a-f]{64}\n\nTotal reclaimed space: [\d.]+MB\n$/,
    );
    assert.equal((await d.berth(['network', 'ls', '--format', '{{.Name}}'])).stdout, 'bridge\nhost\nnone\n');
    assert.equal((await d.berth(['images', '-a', '-q'])).stdout, '');
  });
});
