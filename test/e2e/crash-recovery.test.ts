/**
 * Crash recovery: berthd killed with SIGKILL at chosen points of an operation (the test-only
 * `BERTH_CRASH_AT` hook, lib/crash-point.ts), then started again. Start-up must finish or roll
 * back what was cut short, leave nothing that belongs to nothing (runc state, conmon, mounts,
 * netns, CNI results and leases, DNAT rules, snapshots, layers, blobs, temp dirs, bridges), and
 * say what it reclaimed in its log. All traffic stays on loopback.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fetchText, freePort } from './loopback.js';
import { ruleWords } from '../../src/drivers/network-cni/leftovers.js';
import { type Daemon, dockerOk, startDaemon, eventually } from './harness.js';
import { dnatRulesOf, holdings, nothing } from './holdings.js';

const sh = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8' });

const readdirOrEmpty = (p: string): Promise<string[]> => readdir(p).catch(() => []);

/** Interfaces enslaved to a bridge (the host ends of its containers' veths). */
const bridgePorts = (bridge: string): string[] => sh('ip', ['-o', 'link', 'show', 'master', bridge]).split('\n').filter(Boolean);

const chainId = (diffIds: string[]): string =>
  diffIds.reduce((parent, diff) => (parent === '' ? diff : `sha256:${createHash('sha256').update(`${parent} ${diff}`).digest('hex')}`), '');

describe('crash recovery (kill -9 mid-operation, then start-up reconcile)', { timeout: 600_000 }, () => {
  let d: Daemon;
  let bridge: string;
  let logMark = 0;

  before(async () => {
    d = await startDaemon();
    bridge = (await ok(['network', 'inspect', 'bridge', '-f', '{{index .Options "com.docker.network.bridge.name"}}'])).trim();
  });
  after(async () => {
    await d?.stop();
  });

  const ok = (args: string[]): Promise<string> => dockerOk(d, args);

  /**
   * Starts berthd with the crash hook armed at `point`, runs `action` (which fails when berthd
   * dies under it), checks berthd died by its own SIGKILL, then starts it normally. Returns the
   * log lines the restart wrote.
   */
  async function crashAt(point: string, action: () => Promise<unknown>): Promise<string> {
    await d.restart({ BERTH_CRASH_AT: point });
    await action();
    await eventually(`berthd to crash at ${point}`, async () => d.exitStatus !== undefined, 30_000);
    assert.equal(d.exitStatus?.signal, 'SIGKILL', `berthd did not crash at ${point}:\n${d.log().slice(-2000)}`);
    return restartAndRead();
  }

  async function restartAndRead(): Promise<string> {
    logMark = d.log().length;
    await d.restart();
    return d.log().slice(logMark);
  }

  it('a start cut short after runc create is rolled back: the container starts again and its port works', async () => {
    const port = await freePort();
    const id = (
      await ok([
        'create',
        '--name',
        'half',
        '-p',
        `127.0.0.1:${port}:80`,
        'busybox',
        'sh',
        '-c',
        'mkdir /www && echo recovered > /www/index.html && exec httpd -f -p 80 -h /www',
      ])
    ).trim();
    const log = await crashAt('start:runc-create', () => d.docker(['start', 'half']));
    assert.match(log, new RegExp(`level=warning msg="reconcile: rolled back the start of container ${id.slice(0, 12)}`));
    assert.deepEqual(await holdings(d, id), nothing);
    assert.deepEqual(bridgePorts(bridge), []);

    await ok(['start', 'half']);
    assert.equal(await eventually('httpd to answer', () => fetchText(`http://127.0.0.1:${port}/`).catch(() => undefined), 5000), 'recovered\n');
    await ok(['rm', '-f', 'half']);
    await eventually('the removal to release everything', async () => JSON.stringify(await holdings(d, id)) === JSON.stringify(nothing));
  });

  for (const point of ['start:network', 'start:runc-start']) {
    it(`a start cut short at ${point} is rolled back and the container starts again`, async () => {
      const id = (await ok(['create', '--name', 'later', '-p', '127.0.0.1::80', 'busybox', 'sleep', '300'])).trim();
      const log = await crashAt(point, () => d.docker(['start', 'later']));
      assert.match(log, new RegExp(`reconcile: rolled back the start of container ${id.slice(0, 12)}`));
      assert.deepEqual(await holdings(d, id), nothing);
      await ok(['start', 'later']);
      assert.equal((await ok(['inspect', '-f', '{{.State.Status}}', 'later'])).trim(), 'running');
      await ok(['rm', '-f', 'later']);
    });
  }

  it('a start cut short inside CNI ADD (bridge done, portmap not) leaves nothing, and the next container gets the port', async () => {
    const port = await freePort();
    const id = (await ok(['create', '--name', 'mid-add', '-p', `127.0.0.1:${port}:80`, 'busybox', 'sleep', '300'])).trim();
    const log = await crashAt('cni-add:bridge', () => d.docker(['start', 'mid-add']));
    assert.match(log, /reconcile: /);
    assert.deepEqual(await holdings(d, id), nothing);
    assert.deepEqual(bridgePorts(bridge), []);

    await ok([
      'run',
      '-d',
      '--name',
      'next',
      '-p',
      `127.0.0.1:${port}:80`,
      'busybox',
      'sh',
      '-c',
      'mkdir /www && echo next > /www/index.html && exec httpd -f -p 80 -h /www',
    ]);
    assert.equal(await eventually('httpd to answer', () => fetchText(`http://127.0.0.1:${port}/`).catch(() => undefined), 5000), 'next\n');
    await ok(['rm', '-f', 'next', 'mid-add']);
  });

  it('an rm -f cut short is finished at start-up: lease, CNI result, DNAT rule and mounts go with it', async () => {
    const port = await freePort();
    const id = (await ok(['run', '-d', '--name', 'doomed', '-p', `127.0.0.1:${port}:80`, 'busybox', 'sleep', '300'])).trim();
    assert.equal(dnatRulesOf(id).length, 1);
    const log = await crashAt('rm:marked', () => d.docker(['rm', '-f', 'doomed']));
    assert.match(log, new RegExp(`reconcile: finishing removal of container ${id.slice(0, 12)}`));
    await eventually('the removal to finish', async () => !existsSync(join(d.dataRoot, 'containers', id)));
    assert.deepEqual(await holdings(d, id), nothing);
    assert.equal((await ok(['ps', '-aq', '--filter', 'name=^doomed$'])).trim(), '');
  });

  it('a create cut short leaves no container and no snapshot', async () => {
    const before = await readdirOrEmpty(join(d.dataRoot, 'snapshots', 'active'));
    const log = await crashAt('create:snapshot', () => d.docker(['create', '--name', 'unborn', 'busybox', 'true']));
    assert.match(log, /reconcile: removed snapshot [0-9a-f]{12} that no container owns/);
    assert.deepEqual(await readdirOrEmpty(join(d.dataRoot, 'snapshots', 'active')), before);
    assert.equal((await ok(['ps', '-aq', '--filter', 'name=^unborn$'])).trim(), '');
    await ok(['create', '--name', 'unborn', 'busybox', 'true']);
    await ok(['rm', 'unborn']);
  });

  it('a network create cut short leaves no bridge, and its subnet is not handed out twice', async () => {
    const log = await crashAt('network-create:bridge', () => d.docker(['network', 'create', 'cutnet']));
    const orphan = /reconcile: removed orphan bridge (\S+) \(network create cut short\)/.exec(log)?.[1];
    assert.ok(orphan, `no orphan bridge reported:\n${log}`);
    assert.throws(() => execFileSync('ip', ['link', 'show', orphan], { stdio: 'ignore' }));
    assert.equal((await ok(['network', 'ls', '-q', '--filter', 'name=cutnet'])).trim(), '');
    await ok(['network', 'create', 'cutnet']);
    const subnet = (await ok(['network', 'inspect', 'cutnet', '-f', '{{(index .IPAM.Config 0).Subnet}}'])).trim();
    assert.equal(sh('ip', ['-4', 'route', 'show', subnet]).split('\n').filter(Boolean).length, 1, `two routes for ${subnet}`);
    await ok(['network', 'rm', 'cutnet']);
  });

  it('a commit cut short while the container is frozen: start-up thaws it', async () => {
    const id = (await ok(['run', '-d', '--name', 'frozen', 'busybox', 'sh', '-c', 'echo data > /file; exec sleep 300'])).trim();
    const log = await crashAt('commit:paused', () => d.docker(['commit', 'frozen', 'frozen-img']));
    assert.match(log, new RegExp(`reconcile: resumed container ${id.slice(0, 12)} \\(commit cut short`));
    assert.equal((await ok(['inspect', '-f', '{{.State.Status}}', 'frozen'])).trim(), 'running');
    const state = JSON.parse(sh('runc', [`--root=${join(d.execRoot, 'runc')}`, 'state', id])) as { status: string };
    assert.equal(state.status, 'running');
    assert.equal((await ok(['exec', 'frozen', 'cat', '/file'])).trim(), 'data');
  });

  it('a pause and an unpause cut short between runc and the record: the record follows the runtime', async () => {
    const id = (await ok(['run', '-d', '--name', 'pauser', 'busybox', 'sleep', '300'])).trim();
    const paused = await crashAt('pause:runc', () => d.docker(['pause', 'pauser']));
    assert.match(paused, new RegExp(`reconcile: container ${id.slice(0, 12)} is paused \\(pause or unpause cut short\\)`));
    assert.equal((await ok(['inspect', '-f', '{{.State.Status}}', 'pauser'])).trim(), 'paused');
    const resumed = await crashAt('unpause:runc', () => d.docker(['unpause', 'pauser']));
    assert.match(resumed, new RegExp(`reconcile: container ${id.slice(0, 12)} is running \\(pause or unpause cut short\\)`));
    assert.equal((await ok(['inspect', '-f', '{{.State.Status}}', 'pauser'])).trim(), 'running');
    await ok(['rm', '-f', 'pauser']);
  });

  it('an rmi cut short after the record went: its layer and blobs are removed at start-up', async () => {
    await ok(['commit', 'frozen', 'doomed-img']);
    await ok(['rm', '-f', 'frozen']);
    const [imageId, diffIdsText] = (await ok(['inspect', '-f', '{{.Id}} {{json .RootFS.Layers}}', 'doomed-img'])).trim().split(' ') as [string, string];
    const diffIds = JSON.parse(diffIdsText) as string[];
    const top = chainId(diffIds).slice(7);
    const layerDir = join(d.dataRoot, 'snapshots', 'layers', top);
    const blob = (digest: string): string => join(d.dataRoot, 'content', 'blobs', 'sha256', digest.slice(7));
    assert.ok(existsSync(layerDir) && existsSync(blob(imageId)) && existsSync(blob(diffIds.at(-1)!)));
    const log = await crashAt('rmi:record', () => d.docker(['rmi', 'doomed-img']));
    assert.match(log, new RegExp(`reconcile: removed 1 layers and 3 blobs of deleted image ${imageId.slice(7, 19)} \\(rmi cut short\\)`));
    assert.ok(!existsSync(layerDir), 'the layer stayed');
    assert.ok(!existsSync(blob(imageId)) && !existsSync(blob(diffIds.at(-1)!)), 'blobs stayed');
    assert.equal((await ok(['images', '-q', 'doomed-img'])).trim(), '');
    assert.ok(existsSync(join(d.dataRoot, 'snapshots', 'layers', chainId(diffIds.slice(0, 1)).slice(7))), 'busybox lost its layer');
  });

  it('a load cut short after storing: nothing it stored stays, nor its spool', async () => {
    const id = (await ok(['run', '-d', 'busybox', 'sh', '-c', 'echo loaded > /loaded'])).trim();
    await ok(['wait', id]);
    await ok(['commit', id, 'to-load']);
    await ok(['rm', id]);
    const dir = await mkdtemp(join(tmpdir(), 'berth-crash-load-'));
    try {
      const tar = join(dir, 'img.tar');
      await ok(['save', '-o', tar, 'to-load']);
      const diffIds = JSON.parse((await ok(['inspect', '-f', '{{json .RootFS.Layers}}', 'to-load'])).trim()) as string[];
      await ok(['rmi', 'to-load']);
      const top = join(d.dataRoot, 'snapshots', 'layers', chainId(diffIds).slice(7));
      assert.ok(!existsSync(top));
      const log = await crashAt('load:stored', () => d.docker(['load', '-i', tar]));
      assert.match(log, /reconcile: removed 1 layers and \d+ blobs that load-\S+ stored and never named \(load cut short\)/);
      assert.match(log, /reconcile: removed tmp\/load-\S+ \(load cut short\)/);
      assert.ok(!existsSync(top), 'the loaded layer stayed');
      assert.ok(!existsSync(join(d.dataRoot, 'content', 'blobs', 'sha256', diffIds.at(-1)!.slice(7))), 'the loaded blob stayed');
      assert.deepEqual(await readdirOrEmpty(join(d.dataRoot, 'tmp')), []);
      assert.deepEqual(await readdirOrEmpty(join(d.dataRoot, 'content', 'ingest')), []);
      await ok(['load', '-i', tar]);
      await ok(['rmi', 'to-load']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a classic build cut short during a RUN step: the step container, its context and scratch are gone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-crash-build-'));
    try {
      await writeFile(join(dir, 'Dockerfile'), 'FROM busybox\nCOPY hello /hello\nRUN sleep 300\n');
      await writeFile(join(dir, 'hello'), 'hi\n');
      const tar = execFileSync('tar', ['-C', dir, '-c', '.']);
      const log = await crashAt('build:run', () =>
        d.api('POST', '/v1.41/build?t=cut-build&rm=1', tar, { 'Content-Type': 'application/x-tar' }).catch(() => undefined),
      );
      const step = /reconcile: killed RUN step container ([0-9a-f]{12}) \(build cut short\)/.exec(log)?.[1];
      assert.ok(step, `no RUN step container reported:\n${log}`);
      assert.match(log, /reconcile: removed tmp\/build-context-\S+ \(build cut short\)/);
      await eventually('the step container to be removed', async () => !(await readdirOrEmpty(join(d.dataRoot, 'containers'))).some((c) => c.startsWith(step)));
      assert.equal((await ok(['ps', '-aq'])).trim(), '');
      const full = (await readdirOrEmpty(join(d.execRoot, 'runc'))).find((c) => c.startsWith(step));
      assert.equal(full, undefined);
      assert.deepEqual(await readdirOrEmpty(join(d.dataRoot, 'tmp')), []);
      assert.deepEqual(await readdirOrEmpty(join(d.dataRoot, 'snapshots', 'active')), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('--rm containers: one whose start was cut short and one that exited while berthd was down are removed', async () => {
    const cut = await crashAt('start:runc-create', () => d.docker(['run', '-d', '--rm', '--name', 'rm-cut', 'busybox', 'sleep', '300']));
    assert.match(cut, /reconcile: removing --rm container [0-9a-f]{12} \(not running at start-up\)/);
    await ok(['run', '-d', '--rm', '--name', 'rm-exit', 'busybox', 'sleep', '1']);
    await d.kill9();
    await new Promise((r) => setTimeout(r, 2000));
    await restartAndRead();
    await eventually('--rm containers to be gone', async () => (await ok(['ps', '-aq'])).trim() === '', 10_000);
    assert.deepEqual(await readdirOrEmpty(join(d.execRoot, 'runc')), []);
    assert.deepEqual(await readdirOrEmpty(join(d.execRoot, 'netns')), []);
  });

  it('a host port held only by a DNAT rule (another engine) is not handed out', async () => {
    const port = await freePort();
    const chain = `BERTH-TEST-${process.pid}`;
    // A chain nothing jumps to: it holds the port in the nat table without touching any traffic.
    sh('iptables', ['-w', '-t', 'nat', '-N', chain]);
    try {
      sh('iptables', ['-w', '-t', 'nat', '-A', chain, '-p', 'tcp', '--dport', String(port), '-j', 'DNAT', '--to-destination', '127.0.0.1:9']);
      const r = await d.docker(['run', '-d', '--name', 'clash', '-p', `127.0.0.1:${port}:80`, 'busybox', 'sleep', '30']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /port is already allocated/);
      await ok(['rm', '-f', 'clash']);
    } finally {
      sh('iptables', ['-w', '-t', 'nat', '-F', chain]);
      sh('iptables', ['-w', '-t', 'nat', '-X', chain]);
    }
  });

  const chainExists = (chain: string): boolean => {
    try {
      execFileSync('iptables', ['-w', '-t', 'nat', '-S', chain], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  /**
   * A portmap-style DNAT jump for a container that does not exist, tagged with `network` (a CNI
   * network name): what a DEL that never ran leaves. Its target sends to the discard port on
   * loopback. Returns the target chain.
   */
  function fakeDnat(network: string, containerId: string, port: number): string {
    const chain = `CNI-DN-t${containerId.slice(0, 12)}`;
    if (!chainExists('CNI-HOSTPORT-DNAT')) sh('iptables', ['-w', '-t', 'nat', '-N', 'CNI-HOSTPORT-DNAT']);
    sh('iptables', ['-w', '-t', 'nat', '-N', chain]);
    sh('iptables', ['-w', '-t', 'nat', '-A', chain, '-p', 'tcp', '--dport', String(port), '-j', 'DNAT', '--to-destination', '127.0.0.1:9']);
    sh('iptables', [
      '-w',
      '-t',
      'nat',
      '-A',
      'CNI-HOSTPORT-DNAT',
      '-p',
      'tcp',
      '-m',
      'comment',
      '--comment',
      `dnat name: "${network}" id: "${containerId}"`,
      '-m',
      'multiport',
      '--dports',
      String(port),
      '-j',
      chain,
    ]);
    return chain;
  }
  const fakeId = (): string => randomBytes(32).toString('hex');

  it("leases and DNAT rules on its own networks that belong to no container are released at start-up; another daemon's are not", async () => {
    const netId = (await ok(['network', 'inspect', 'bridge', '-f', '{{.Id}}'])).trim();
    const subnet = (await ok(['network', 'inspect', 'bridge', '-f', '{{(index .IPAM.Config 0).Subnet}}'])).trim();
    const [ours, theirs] = [fakeId(), fakeId()];
    const leaseDir = join(d.dataRoot, 'networks', 'cni', 'ipam', `berth-${netId.slice(0, 12)}`);
    const lease = join(leaseDir, subnet.replace(/\.0\/\d+$/, '.250'));
    execFileSync('mkdir', ['-p', leaseDir]);
    await writeFile(lease, `${ours}\r\neth0`);
    const ourChain = fakeDnat(`berth-${netId.slice(0, 12)}`, ours, await freePort());
    const theirChain = fakeDnat('berth-f00dfeedf00d', theirs, await freePort());
    try {
      const log = await restartAndRead();
      assert.match(log, new RegExp(`reconcile: released IP lease berth-${netId.slice(0, 12)}/\\S+ \\(held by no running container\\)`));
      assert.match(log, new RegExp(`reconcile: released DNAT chain ${ourChain} of ${ours.slice(0, 12)}`));
      assert.ok(!existsSync(lease), 'the lease stayed');
      assert.deepEqual(dnatRulesOf(ours), []);
      assert.ok(!chainExists(ourChain), 'the DNAT chain stayed');
      assert.equal(dnatRulesOf(theirs).length, 1, "another daemon's rule was touched");
      assert.ok(chainExists(theirChain));
    } finally {
      for (const id of [ours, theirs]) {
        for (const rule of dnatRulesOf(id)) execFileSync('iptables', ['-w', '-t', 'nat', ...ruleWords(rule.replace(/^-A /, '-D '))], { stdio: 'ignore' });
      }
      for (const c of [ourChain, theirChain]) if (chainExists(c)) execFileSync('sh', ['-c', `iptables -w -t nat -F ${c}; iptables -w -t nat -X ${c}`]);
    }
  });

  it('network rm removes published-port rules left on the network, so they cannot hijack the port', async () => {
    const netId = (await ok(['network', 'create', 'portnet'])).trim();
    const stale = fakeId();
    const port = await freePort();
    const chain = fakeDnat(`berth-${netId.slice(0, 12)}`, stale, port);
    await ok(['network', 'rm', 'portnet']);
    assert.deepEqual(dnatRulesOf(stale), []);
    assert.ok(!chainExists(chain), 'the DNAT chain stayed');
    await ok(['run', '-d', '--name', 'port-owner', '-p', `127.0.0.1:${port}:80`, 'busybox', 'sleep', '30']);
    await ok(['rm', '-f', 'port-owner']);
  });

  it('a restart right after kill -9 succeeds while the dead berthd is not yet reaped (a zombie in the pid file)', async () => {
    await d.kill9();
    // What the pid file holds when berthd's parent has not reaped it yet: a zombie's pid.
    const zombieParent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = Number((await new Promise<Buffer>((r) => zombieParent.stdout!.once('data', r))).toString().trim());
      await eventually('the zombie', async () => (await readFile(`/proc/${zombie}/stat`, 'utf8')).split(') ')[1]?.startsWith('Z'));
      await writeFile(join(d.execRoot, 'berthd.pid'), `${zombie}\n`);
      await writeFile(join(d.dataRoot, 'berthd.pid'), `${zombie}\n`);
      await d.restart();
      assert.equal((await ok(['version', '-f', '{{.Server.Version}}'])).trim().length > 0, true);
    } finally {
      zombieParent.kill('SIGKILL');
    }
  });

  it('a restart finds nothing to reconcile when nothing was cut short, and running containers survive it', async () => {
    const id = (await ok(['run', '-d', '--name', 'survivor', '-p', '127.0.0.1::80', 'busybox', 'sleep', '300'])).trim();
    const pid = (await ok(['inspect', '-f', '{{.State.Pid}}', 'survivor'])).trim();
    await d.kill9();
    const log = await restartAndRead();
    assert.doesNotMatch(log, /reconcile: /);
    assert.equal((await ok(['inspect', '-f', '{{.State.Status}} {{.State.Pid}}', 'survivor'])).trim(), `running ${pid}`);
    assert.equal(dnatRulesOf(id).length, 1);
    await ok(['rm', '-f', 'survivor']);
  });
});
