/**
 * Networking through CNI: the default bridge, published ports, user networks with DNS, network
 * modes, bad input, and teardown (stop, rm -f, a berthd crash) leaving nothing behind. All
 * traffic stays on loopback and on this daemon's own bridges.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fetchText, freePort } from './loopback.js';
import { eventually, startDaemon, type Daemon, type RunOptions } from './harness.js';
import { readDaemonNetwork } from './network-names.js';

const sh = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8' });

describe('networking', () => {
  let d: Daemon;
  let bridge: string;

  before(async () => {
    d = await startDaemon();
    bridge = readDaemonNetwork(d.dir)!.bridge;
  });
  after(async () => {
    await d?.stop();
  });

  async function ok(client: 'docker' | 'berth', args: string[], opts?: RunOptions): Promise<string> {
    const r = await d[client](args, opts);
    assert.equal(r.code, 0, `${client} ${args.join(' ')} exited ${r.code}\nstderr: ${r.stderr}\nberthd log (tail):\n${d.log().slice(-2000)}`);
    return r.stdout;
  }

  const vethsOn = (br: string): string => sh('ip', ['-o', 'link', 'show', 'master', br]);
  const natRulesOf = (id: string): string[] =>
    sh('iptables-save', ['-t', 'nat'])
      .split('\n')
      .filter((l) => l.includes(id));
  const leases = async (): Promise<string[]> => {
    const root = join(d.dataRoot, 'networks', 'cni', 'ipam');
    const out: string[] = [];
    for (const n of await readdir(root).catch(() => [] as string[])) {
      out.push(...(await readdir(join(root, n))).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f)));
    }
    return out;
  };

  it('lists the built-in networks and creates the default bridge at start', async () => {
    const names = (await ok('docker', ['network', 'ls', '--format', '{{.Name}} {{.Driver}}'])).trim().split('\n').sort();
    assert.deepEqual(names, ['bridge bridge', 'host host', 'none null']);
    assert.match(sh('ip', ['-br', 'addr', 'show', bridge]), new RegExp(readDaemonNetwork(d.dir)!.bip.replace(/\./g, '\\.')));
    const inspect = JSON.parse(await ok('docker', ['network', 'inspect', 'bridge']))[0];
    assert.equal(inspect.Options['com.docker.network.bridge.name'], bridge);
  });

  it('publishes a port on loopback; port, inspect and ps show it; rm -f leaves no rule, veth, netns or lease', async () => {
    const port = await freePort();
    const id = (
      await ok('docker', [
        'run',
        '-d',
        '-p',
        `127.0.0.1:${port}:80`,
        '--name',
        'web',
        'busybox',
        'sh',
        '-c',
        'mkdir /www && echo hello from berth > /www/index.html && exec httpd -f -p 80 -h /www',
      ])
    ).trim();
    const body = await eventually('httpd to answer', () => fetchText(`http://127.0.0.1:${port}/`).catch(() => undefined), 5000);
    assert.equal(body, 'hello from berth\n');
    assert.equal(await ok('docker', ['port', 'web']), `80/tcp -> 127.0.0.1:${port}\n`);
    assert.equal(await ok('berth', ['port', 'web', '80']), `127.0.0.1:${port}\n`);
    const ports = JSON.parse(await ok('docker', ['inspect', '-f', '{{json .NetworkSettings.Ports}}', 'web']));
    assert.deepEqual(ports, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] });
    assert.match(await ok('docker', ['ps', '--format', '{{.Ports}}']), new RegExp(`127.0.0.1:${port}->80/tcp`));
    const ip = (await ok('docker', ['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'web'])).trim();
    assert.match(ip, /^10\.\d+\.\d+\.\d+$/);
    assert.ok(natRulesOf(id).length > 0, 'portmap and masquerade rules exist while running');
    const masq = sh('iptables-save', ['-t', 'nat'])
      .split('\n')
      .filter((l) => l.includes(`"berth masquerade ${bridge}"`) && l.includes('-j MASQUERADE'));
    assert.equal(masq.length, 1, 'one outbound NAT rule for the bridge subnet');
    assert.notEqual(vethsOn(bridge).trim(), '');

    // The same host port again: Docker's error, and the container does not run.
    const clash = await d.docker(['run', '-d', '-p', `127.0.0.1:${port}:80`, '--name', 'clash', 'busybox', 'sleep', '30']);
    assert.equal(clash.code, 125);
    assert.match(clash.stderr, /port is already allocated/);
    assert.equal((await ok('docker', ['inspect', '-f', '{{.State.Running}}', 'clash'])).trim(), 'false');
    await ok('docker', ['rm', 'clash']);

    await ok('docker', ['rm', '-f', 'web']);
    assert.deepEqual(natRulesOf(id), []);
    assert.equal(vethsOn(bridge).trim(), '');
    assert.deepEqual(await readdir(join(d.execRoot, 'netns')), []);
    assert.deepEqual(await leases(), []);
  });

  it('-P publishes exposed ports on random host ports', async () => {
    await ok('docker', ['run', '-d', '-P', '--expose', '8080', '--name', 'pub', 'busybox', 'sleep', '30']);
    const out = await ok('docker', ['port', 'pub']);
    assert.match(out, /^8080\/tcp -> 0\.0\.0\.0:\d+\n$/);
    await ok('docker', ['rm', '-f', 'pub']);
  });

  it('user networks: containers reach each other by name, alias and short ID; hosts has the own name', async () => {
    await ok('docker', ['network', 'create', '--label', 'team=a', 'app']);
    const a1 = (await ok('docker', ['run', '-d', '--name', 'a1', '--network', 'app', '--network-alias', 'alpha', 'busybox', 'sleep', '60'])).trim();
    const out = await ok('docker', [
      'run',
      '--rm',
      '--network',
      'app',
      '--name',
      'a2',
      'busybox',
      'sh',
      '-c',
      `ping -c1 -W2 a1 && ping -c1 -W2 alpha && nslookup ${a1.slice(0, 12)} && cat /etc/hosts`,
    ]);
    const ip = (await ok('docker', ['inspect', '-f', '{{.NetworkSettings.Networks.app.IPAddress}}', 'a1'])).trim();
    assert.match(out, new RegExp(`64 bytes from ${ip.replace(/\./g, '\\.')}`));
    assert.match(out, /\ta2\n|\sa2\n/);
    assert.equal((await ok('docker', ['network', 'ls', '-q', '--filter', 'label=team=a'])).trim().length, 12);

    const inUse = await d.docker(['network', 'rm', 'app']);
    assert.notEqual(inUse.code, 0);
    assert.match(inUse.stderr, /has active endpoints/);

    // connect/disconnect a running container: it gains and loses an interface.
    await ok('berth', ['network', 'create', '--subnet', '10.251.77.0/24', 'side']);
    await ok('berth', ['network', 'connect', '--alias', 'sidecar', '--ip', '10.251.77.50', 'side', 'a1']);
    assert.match(await ok('docker', ['exec', 'a1', 'ip', '-4', 'addr']), /10\.251\.77\.50\/24/);
    await ok('docker', ['network', 'disconnect', 'side', 'a1']);
    assert.doesNotMatch(await ok('docker', ['exec', 'a1', 'ip', '-4', 'addr']), /10\.251\.77\.50/);

    // container:<name> shares a1's namespace.
    assert.match(await ok('docker', ['run', '--rm', '--network', 'container:a1', 'busybox', 'ip', '-4', 'addr']), new RegExp(ip.replace(/\./g, '\\.')));

    await ok('docker', ['rm', '-f', 'a1']);
    await ok('docker', ['network', 'rm', 'app', 'side']);
    assert.equal((await ok('docker', ['network', 'ls', '-q'])).trim().split('\n').length, 3);
  });

  it('an internal network: its containers reach each other, nothing outside it reaches in', async () => {
    const id = (await ok('docker', ['network', 'create', '--internal', 'vault'])).trim();
    const bridge = `br-${id.slice(0, 12)}`;
    await ok('docker', ['run', '-d', '--name', 'safe', '--network', 'vault', 'busybox', 'sleep', '60']);
    const ip = (await ok('docker', ['inspect', '-f', '{{.NetworkSettings.Networks.vault.IPAddress}}', 'safe'])).trim();
    assert.match(await ok('docker', ['run', '--rm', '--network', 'vault', 'busybox', 'ping', '-c1', '-W2', ip]), /1 packets received/);
    const outside = await d.docker(['run', '--rm', 'busybox', 'ping', '-c1', '-W1', ip]);
    assert.notEqual(outside.code, 0, `the default bridge reached into the internal network: ${outside.stdout}`);
    // berth's chain holds drops before accepts, whatever order networks were made in.
    const chain = sh('iptables', ['-S', 'BERTH-FORWARD'])
      .split('\n')
      .filter((l) => l.startsWith('-A '));
    assert.match(chain[0] ?? '', /-j DROP/);
    assert.ok(chain.some((l) => l.includes(`berth forward ${bridge}`)));
    await ok('docker', ['rm', '-f', 'safe']);
    await ok('docker', ['network', 'rm', 'vault']);
    assert.ok(!sh('iptables-save', ['-t', 'filter']).includes(`berth forward ${bridge}`), "the network's rules go with it");
  });

  it("bad input gets Docker's errors", async () => {
    await ok('docker', ['network', 'create', '--subnet', '10.251.88.0/24', 'n1']);
    const overlap = await d.docker(['network', 'create', '--subnet', '10.251.88.128/25', 'n2']);
    assert.notEqual(overlap.code, 0);
    assert.match(overlap.stderr, /Pool overlaps with other one on this address space/);
    const outside = await d.docker(['run', '--rm', '--network', 'n1', '--ip', '10.9.9.9', 'busybox', 'true']);
    assert.equal(outside.code, 125);
    assert.match(outside.stderr, /does not belong to any of this network's subnets/);
    const toHost = await d.docker(['network', 'connect', 'host', (await ok('docker', ['create', 'busybox', 'true'])).trim()]);
    assert.notEqual(toHost.code, 0);
    assert.match(toHost.stderr, /connected to host network/);
    const badPort = await d.berth(['run', '--rm', '-p', '80/xyz', 'busybox', 'true']);
    assert.equal(badPort.code, 125);
    assert.match(badPort.stderr, /invalid proto: xyz/);
    const builtin = await d.docker(['network', 'rm', 'bridge']);
    assert.match(builtin.stderr, /bridge is a pre-defined network and cannot be removed/);
    await ok('docker', ['network', 'rm', 'n1']);
    await ok('docker', ['container', 'prune', '-f']);
  });

  it('--add-host host-gateway and --domainname land in /etc/hosts', async () => {
    const gw = readDaemonNetwork(d.dir)!.bip.split('/')[0]!;
    const out = await ok('docker', [
      'run',
      '--rm',
      '--add-host',
      'gw:host-gateway',
      '-h',
      'box',
      '--domainname',
      'example.test',
      'busybox',
      'cat',
      '/etc/hosts',
    ]);
    assert.match(out, new RegExp(`${gw.replace(/\./g, '\\.')}\tgw`));
    assert.match(out, /\tbox\.example\.test box/);
  });

  it('after a berthd crash, a container that exited meanwhile is torn down at restart', async () => {
    const id = (await ok('docker', ['run', '-d', '-p', '127.0.0.1::80', 'busybox', 'sleep', '300'])).trim();
    assert.ok(natRulesOf(id).length > 0);
    await d.kill9();
    execFileSync('/usr/sbin/runc', [`--root=${join(d.execRoot, 'runc')}`, 'kill', id, 'KILL']);
    await eventually(
      'exit file',
      () =>
        readFile(join(d.execRoot, 'exits', id), 'utf8').then(
          () => true,
          () => false,
        ),
      5000,
    );
    await d.restart();
    await eventually('reconciled', async () => (await readdir(join(d.execRoot, 'netns'))).length === 0 && natRulesOf(id).length === 0, 5000);
    assert.deepEqual(await leases(), []);
    assert.equal(vethsOn(bridge).trim(), '');
    await ok('docker', ['rm', id]);
  });
});
