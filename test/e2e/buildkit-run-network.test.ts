/**
 * BuildKit RUN steps on the default bridge take their network namespace from berthd's pool
 * (services/networks/sandbox-pool.ts) instead of a CNI ADD and DEL each: they must still reach the
 * bridge, get their own hostname in /etc/hosts (with --add-host), the resolv.conf a `run` gets,
 * and nothing may be left once the pool is idle, after a shutdown, or after a crash. All traffic
 * stays on this daemon's own bridge.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { buildkitSuite, buildxSkip } from './buildx-plugin.js';
import { dockerOk, eventually, type Daemon } from './harness.js';
import { readDaemonNetwork } from './network-names.js';

const sh = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8' });

describe('BuildKit RUN steps in pooled network namespaces', { skip: buildxSkip }, () => {
  let d: Daemon;
  const { docker, context, failure } = buildkitSuite('berth-bk-run-net-', (daemon) => (d = daemon));
  let bridge = '';
  let web = '';
  const netns = async (): Promise<string[]> => readdir(join(d.execRoot, 'netns')).catch(() => []);
  const veths = (): string => sh('ip', ['-o', 'link', 'show', 'master', bridge]).trim();
  const stepVeths = (): string[] => veths().split('\n').filter(Boolean);
  let webVeths: string[] = [];
  const leases = async (): Promise<string[]> => {
    const root = join(d.dataRoot, 'networks', 'cni', 'ipam');
    const out: string[] = [];
    for (const n of await readdir(root).catch(() => [] as string[])) out.push(...(await readdir(join(root, n))).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f)));
    return out;
  };
  // The web container's own namespace, veth and lease stay.
  const settled = (what: string): Promise<true> =>
    eventually(what, async () => (await netns()).length === 1 && stepVeths().length === webVeths.length && (await leases()).length === 1 && true, 30_000);

  before(async () => {
    bridge = readDaemonNetwork(d.dir)!.bridge;
    // A server on the default bridge for the steps to reach (busybox httpd).
    const id = (await dockerOk(d, ['run', '-d', 'busybox', 'sh', '-c', 'mkdir /www && echo pong > /www/ping && exec httpd -f -p 8080 -h /www'])).trim();
    web = (await dockerOk(d, ['inspect', '--format', '{{.NetworkSettings.IPAddress}}', id])).trim();
    webVeths = stepVeths();
    assert.equal((await netns()).length, 1);
    assert.deepEqual(await leases(), [web]);
  });

  const stepsDockerfile = [
    'FROM busybox',
    'ARG WEB',
    // The namespace is shared with later steps: a step cannot change it (no CAP_NET_ADMIN).
    'RUN wget -q -O /one http://$WEB:8080/ping && hostname > /h1 && cat /etc/hosts > /hosts1 && ip -4 -o addr show eth0 > /addr1 && ! ip link set eth0 mtu 1280',
    'RUN wget -q -O /two http://$WEB:8080/ping && hostname > /h2 && cat /etc/hosts > /hosts2 && cat /etc/resolv.conf > /resolv',
    '',
  ].join('\n');

  it('RUN steps one after another reach the bridge, each with its own hostname and address in /etc/hosts, --add-host and the resolv.conf of a run', async () => {
    const dir = await context({ Dockerfile: stepsDockerfile });
    const r = await docker(['build', '--no-cache', '--build-arg', `WEB=${web}`, '--add-host', 'bkhost:10.1.2.3', '-t', 'bk-run-net', dir]);
    assert.equal(r.code, 0, failure(r));
    const cat = (f: string): Promise<string> => dockerOk(d, ['run', '--rm', 'bk-run-net', 'cat', f]);
    assert.equal(await cat('/one'), 'pong\n');
    assert.equal(await cat('/two'), 'pong\n');
    const [h1, h2] = [(await cat('/h1')).trim(), (await cat('/h2')).trim()];
    assert.match(h1, /^[0-9a-f]{12}$/);
    assert.notEqual(h1, h2, 'each step is its own container');
    const addr = /inet (\d+\.\d+\.\d+\.\d+)\//.exec(await cat('/addr1'))?.[1];
    assert.ok(addr, await cat('/addr1'));
    const bip = readDaemonNetwork(d.dir)!.bip.split('/')[0]!;
    assert.equal(addr.split('.').slice(0, 3).join('.'), bip.split('.').slice(0, 3).join('.'), `eth0 ${addr} on the bridge ${bip}`);
    const hosts1 = await cat('/hosts1');
    assert.match(hosts1, /^10\.1\.2\.3\s+bkhost$/m);
    assert.match(hosts1, new RegExp(`^${addr.replace(/\./g, '\\.')}\\s+${h1}\\b`, 'm'), hosts1);
    const hosts2 = await cat('/hosts2');
    assert.match(hosts2, new RegExp(`^\\d+\\.\\d+\\.\\d+\\.\\d+\\s+${h2}\\b`, 'm'), hosts2);
    assert.match(hosts2, /^10\.1\.2\.3\s+bkhost$/m);
    assert.equal(await cat('/resolv'), await dockerOk(d, ['run', '--rm', 'busybox', 'cat', '/etc/resolv.conf']));
  });

  it('parallel stages each get a namespace of their own and reach the bridge', async () => {
    const dir = await context({
      Dockerfile: [
        'FROM busybox AS a',
        'ARG WEB',
        'RUN wget -q -O /a http://$WEB:8080/ping && ip -4 -o addr show eth0 > /addr',
        'FROM busybox AS b',
        'ARG WEB',
        'RUN wget -q -O /b http://$WEB:8080/ping && ip -4 -o addr show eth0 > /addr',
        'FROM busybox',
        'COPY --from=a /a /a',
        'COPY --from=b /b /b',
        '',
      ].join('\n'),
    });
    const r = await docker(['build', '--no-cache', '--build-arg', `WEB=${web}`, '-t', 'bk-run-par', dir]);
    assert.equal(r.code, 0, failure(r));
    assert.equal(await dockerOk(d, ['run', '--rm', 'bk-run-par', 'cat', '/a', '/b']), 'pong\npong\n');
  });

  it('--network=none and --network=host keep their own way', async () => {
    const dir = await context({ Dockerfile: 'FROM busybox\nRUN ls /sys/class/net > /nets\n' });
    const none = await docker(['build', '--no-cache', '--network', 'none', '-t', 'bk-run-none', dir]);
    assert.equal(none.code, 0, failure(none));
    assert.equal(await dockerOk(d, ['run', '--rm', 'bk-run-none', 'cat', '/nets']), 'lo\n');
    const host = await docker(['build', '--no-cache', '--network', 'host', '-t', 'bk-run-host', dir]);
    assert.equal(host.code, 0, failure(host));
    assert.match(await dockerOk(d, ['run', '--rm', 'bk-run-host', 'cat', '/nets']), new RegExp(`^${bridge}$`, 'm'), 'the host network');
  });

  it('the pool leaves no namespace, veth or lease once idle, after a shutdown, or after a crash', async () => {
    await settled('the idle pool torn down');
    const dir = await context({ Dockerfile: stepsDockerfile });
    const build = async (): Promise<void> => {
      const r = await docker(['build', '--no-cache', '--build-arg', `WEB=${web}`, dir]);
      assert.equal(r.code, 0, failure(r));
    };
    // A shutdown drains the pool itself: start-up finds nothing of it to release.
    await build();
    const before = d.log().length;
    await d.restart();
    assert.equal((await netns()).length, 1, 'only the web container keeps a namespace');
    assert.equal(stepVeths().length, webVeths.length, veths());
    assert.deepEqual(await leases(), [web]);
    assert.doesNotMatch(d.log().slice(before), /released network namespace of unknown container/);
    // A crash leaves the pool's namespace; start-up releases it (its holder is no container).
    await build();
    assert.equal((await netns()).length, 2, 'the pooled namespace is kept for the next step');
    const crashed = d.log().length;
    await d.kill9();
    await d.restart();
    await settled('the crashed pool released at start-up');
    assert.match(d.log().slice(crashed), /released network namespace of unknown container/);
  });
});
