/**
 * IPv6 networks through the docker CLI and the Python SDK: `--ipv6` with a subnet and without
 * one (a /64 of the engine's ULA /48), `--ip6`, `network connect --ip6`, `--link-local-ip`, v6
 * ping and AAAA answers between containers, /etc/hosts, a port published on [::1] (also after a
 * berthd crash), the IPv6-only network of API 1.48, and that nothing of it stays on the host:
 * no ip6tables rule of this daemon's bridges, and `net.ipv6.conf.all.forwarding` as it was.
 * Subnets are random ULA /64s (the host's own fd00::/64 is never used); traffic goes only between
 * the test's containers and to [::1].
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { runProgram } from './clients.js';
import { dockerOk, eventually, startDaemon, type Daemon } from './harness.js';
import { releaseIpv6Host } from '../../src/drivers/network-cni/ipv6-host.js';

/** `fdXX:YYYY:ZZZZ:1` with no leading zeros in a group, so it reads back as written. */
const ula = (): string => `fd${randomInt(0x10, 0x100).toString(16)}:${randomInt(0x1000, 0x10000).toString(16)}:${randomInt(0x1000, 0x10000).toString(16)}:1`;
const forwarding = (): string => readFileSync('/proc/sys/net/ipv6/conf/all/forwarding', 'utf8').trim();
const ip6tablesSave = (): string => execFileSync('ip6tables-save', { encoding: 'utf8' });

const UDP_ECHO_C = `#include <ctype.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
int main(int argc, char **argv) {
  int s = socket(AF_INET6, SOCK_DGRAM, 0);
  struct sockaddr_in6 a = {0};
  a.sin6_family = AF_INET6;
  a.sin6_port = htons(atoi(argv[1]));
  if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) return 1;
  for (;;) {
    char buf[2048];
    struct sockaddr_in6 from;
    socklen_t len = sizeof from;
    ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
    for (ssize_t i = 0; i < n; i++) buf[i] = toupper((unsigned char)buf[i]);
    if (n > 0) sendto(s, buf, n, 0, (struct sockaddr *)&from, len);
  }
}
`;

/** A TCP port free on [::1] now (also free for UDP: nothing of the test binds UDP). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen({ host: '::1', port: 0 }, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface NetworkJson {
  EnableIPv6: boolean;
  EnableIPv4?: boolean;
  IPAM: { Config: Array<{ Subnet: string; Gateway?: string }> };
  Containers: Record<string, { IPv4Address: string; IPv6Address: string }>;
}

describe('IPv6 networks', () => {
  let d: Daemon;
  const prefix = ula(); // the test's /64s: fdXX:YYYY:ZZZZ:1::/64, …:2::/64, …
  const net1 = `${prefix}::/64`;
  const net2 = `${prefix.slice(0, -1)}2::/64`;
  // What forwarding must be once berth's IPv6 networks are gone: off, unless something other than
  // berth had it on (berth notes in /run when it is the one that turned it on).
  const forwardingAfter = forwarding() === '0' || existsSync('/run/berth-ipv6-forwarding-was-off') ? '0' : '1';
  const bridges: string[] = [];

  const ok = (args: string[]): Promise<string> => dockerOk(d, args);
  const inspect = async <T>(args: string[]): Promise<T> => JSON.parse(await ok([...args.slice(0, -1), 'inspect', args.at(-1)!])) as T;
  const bridgeOf = async (net: string): Promise<string> => `br-${(await ok(['network', 'inspect', '-f', '{{.Id}}', net])).trim().slice(0, 12)}`;

  before(async () => {
    d = await startDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  it('creates a dual-stack network with the subnet asked for, and one from the ULA pool without', async () => {
    await ok(['network', 'create', '--ipv6', '--subnet', net1, '--gateway', `${prefix}::fe`, 'six']);
    const [six] = await inspect<NetworkJson[]>(['network', 'six']);
    assert.equal(six!.EnableIPv6, true);
    assert.equal(six!.IPAM.Config.length, 2, JSON.stringify(six!.IPAM));
    assert.match(six!.IPAM.Config[0]!.Subnet, /^\d+\.\d+\.\d+\.\d+\/24$/);
    assert.deepEqual(six!.IPAM.Config[1], { Subnet: net1, Gateway: `${prefix}::fe` });
    bridges.push(await bridgeOf('six'));

    await ok(['network', 'create', '--ipv6', 'auto1']);
    await ok(['network', 'create', '--ipv6', 'auto2']);
    const v6 = async (n: string): Promise<{ Subnet: string; Gateway?: string }> =>
      (await inspect<NetworkJson[]>(['network', n]))[0]!.IPAM.Config.find((c) => c.Subnet.includes(':'))!;
    const [a1, a2] = [await v6('auto1'), await v6('auto2')];
    // Two /64s of one ULA /48 (the engine's), gateway the first address.
    const m1 = /^(fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4})(:[0-9a-f]{1,4})?::\/64$/.exec(a1.Subnet);
    assert.ok(m1, a1.Subnet);
    assert.ok(a2.Subnet.startsWith(m1[1]!) && a2.Subnet !== a1.Subnet, `${a1.Subnet} ${a2.Subnet}`);
    assert.equal(a1.Gateway, a1.Subnet.replace('::/64', '::1'));
    bridges.push(await bridgeOf('auto1'), await bridgeOf('auto2'));
    await ok(['network', 'rm', 'auto1', 'auto2']);

    // A prefix of the host's own (eth0's fd00::/64 here) would take the host's router address: refused.
    const hostPrefix = execFileSync('ip', ['-6', 'route', 'show', 'proto', 'kernel'], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.split(' '))
      .find(([dst, , dev]) => dst?.includes(':') && !dst.startsWith('fe80:') && !/^(br-|bt)/.test(dev ?? ''));
    if (hostPrefix !== undefined) {
      const taken = await d.docker(['network', 'create', '--ipv6', '--subnet', hostPrefix[0]!, 'hostnet']);
      if (taken.code === 0) await d.docker(['network', 'rm', 'hostnet']);
      assert.equal(taken.code, 1, taken.stdout);
      assert.match(taken.stderr, new RegExp(`overlaps with the host's ${hostPrefix[0]} on ${hostPrefix[2]}`));
    }

    const overlap = await d.docker(['network', 'create', '--ipv6', '--subnet', net1, 'again']);
    assert.equal(overlap.code, 1);
    assert.match(overlap.stderr, /Pool overlaps with other one on this address space/);
  });

  it('gives containers IPv6 addresses (--ip6 too): inspect, ping -6, AAAA, /etc/hosts', async () => {
    await ok(['run', '-d', '--name', 'six-a', '--network', 'six', '--ip6', `${prefix}::a`, 'busybox', 'sleep', '300']);
    await ok(['run', '-d', '--name', 'six-b', '--network', 'six', 'busybox', 'sleep', '300']);
    const [a] = await inspect<Array<{ NetworkSettings: { Networks: Record<string, Record<string, unknown>> } }>>(['container', 'six-a']);
    const ep = a!.NetworkSettings.Networks.six!;
    assert.equal(ep.GlobalIPv6Address, `${prefix}::a`);
    assert.equal(ep.GlobalIPv6PrefixLen, 64);
    assert.equal(ep.IPv6Gateway, `${prefix}::fe`);
    assert.deepEqual(ep.IPAMConfig, { IPv6Address: `${prefix}::a` });
    assert.match(String(ep.IPAddress), /^\d+\.\d+\.\d+\.\d+$/);
    const bV6 = (await ok(['inspect', '-f', '{{.NetworkSettings.Networks.six.GlobalIPv6Address}}', 'six-b'])).trim();
    assert.ok(bV6.startsWith(`${prefix}::`), bV6);

    const [n] = await inspect<NetworkJson[]>(['network', 'six']);
    assert.deepEqual(
      Object.values(n!.Containers)
        .map((c) => c.IPv6Address)
        .sort(),
      [`${prefix}::a/64`, `${bV6}/64`].sort(),
    );

    const out = await ok(['exec', 'six-b', 'sh', '-c', `ping -6 -c1 -W5 ${prefix}::a && nslookup -type=aaaa six-a && cat /etc/hosts`]);
    assert.match(out, /1 packets received/);
    assert.match(out, new RegExp(`Address:\\s+${prefix}::a\\b`));
    const hosts = (await ok(['exec', 'six-a', 'cat', '/etc/hosts'])).split('\n');
    const v4 = (await ok(['inspect', '-f', '{{.NetworkSettings.Networks.six.IPAddress}}', 'six-a'])).trim();
    const id12 = (await ok(['inspect', '-f', '{{.Id}}', 'six-a'])).trim().slice(0, 12);
    assert.deepEqual(hosts.slice(-3), [`${v4}\t${id12} six-a`, `${prefix}::a\t${id12} six-a`, '']);
  });

  it('refuses addresses Docker refuses', async () => {
    const outside = await d.docker(['run', '--rm', '--network', 'six', '--ip6', 'fd00:dead::5', 'busybox', 'true']);
    assert.equal(outside.code, 125);
    assert.match(outside.stderr, /Invalid address fd00:dead::5: It does not belong to any of this network's subnets/);
    const onBridge = await d.docker(['run', '--rm', '--ip6', `${prefix}::9`, 'busybox', 'true']);
    assert.equal(onBridge.code, 125);
    assert.match(onBridge.stderr, /user specified IP address is supported on user defined networks only/);
    const bad = await d.api('POST', '/containers/create', {
      Image: 'busybox',
      HostConfig: { NetworkMode: 'six' },
      NetworkingConfig: { EndpointsConfig: { six: { IPAMConfig: { IPv6Address: '10.1.2.3' } } } },
    });
    assert.equal(bad.status, 400, bad.body);
    assert.match(bad.body, /invalid IPv6 address: 10\.1\.2\.3/);
  });

  it('network connect --ip6 and --link-local-ip give a running container its addresses', async () => {
    await ok(['network', 'create', '--ipv6', '--subnet', net2, 'six2']);
    bridges.push(await bridgeOf('six2'));
    await ok(['run', '-d', '--name', 'six2-peer', '--network', 'six2', 'busybox', 'sleep', '300']);
    await ok(['network', 'connect', '--ip6', `${prefix.slice(0, -1)}2::77`, '--link-local-ip', 'fe80::77:1', 'six2', 'six-a']);
    const ep = JSON.parse(await ok(['inspect', '-f', '{{json .NetworkSettings.Networks.six2}}', 'six-a'])) as Record<string, unknown>;
    assert.equal(ep.GlobalIPv6Address, `${prefix.slice(0, -1)}2::77`);
    assert.deepEqual(ep.IPAMConfig, { IPv6Address: `${prefix.slice(0, -1)}2::77`, LinkLocalIPs: ['fe80::77:1'] });
    const addrs = await ok(['exec', 'six-a', 'ip', '-6', 'addr', 'show', 'eth1']);
    assert.match(addrs, new RegExp(`inet6 ${prefix.slice(0, -1)}2::77/64`));
    assert.match(addrs, /inet6 fe80::77:1\/64/);
    assert.match(await ok(['exec', 'six2-peer', 'ping', '-6', '-c1', '-W5', `${prefix.slice(0, -1)}2::77`]), /1 packets received/);

    const ll = await ok([
      'run',
      '--rm',
      '--network',
      'six',
      '--link-local-ip',
      '169.254.7.7',
      '--link-local-ip',
      'fe80::7:7',
      'busybox',
      'ip',
      'addr',
      'show',
      'eth0',
    ]);
    assert.match(ll, /inet 169\.254\.7\.7\/16/);
    assert.match(ll, /inet6 fe80::7:7\/64/);
  });

  it('publishes a port on [::1] (docker port shows it as docker does), also after berthd is killed and restarted', async () => {
    const port = await freePort();
    await ok([
      'run',
      '-d',
      '--name',
      'web6',
      '--network',
      'six',
      '-p',
      `[::1]:${port}:80`,
      'busybox',
      'sh',
      '-c',
      'echo v6-web > /i; exec httpd -f -p 80 -h /',
    ]);
    assert.equal(await ok(['port', 'web6']), `80/tcp -> [::1]:${port}\n`);
    assert.equal(await ok(['port', 'web6', '80']), `[::1]:${port}\n`);
    const get = (): Promise<string | false> =>
      fetch(`http://[::1]:${port}/i`).then(
        (r) => r.text(),
        () => false,
      );
    assert.equal(await eventually('the [::1] port answers', get, 10_000), 'v6-web\n');
    await d.kill9();
    await d.restart();
    assert.equal(await eventually('the [::1] port answers after a restart', get, 10_000), 'v6-web\n');
    await ok(['rm', '-f', 'web6']);
    assert.equal(await get(), false);
  });

  it('relays UDP published on [::1]', async () => {
    // busybox has no UDP server: a static echo (upper-cased) built here and mounted in.
    const src = join(d.dir, 'udpecho.c');
    await writeFile(src, UDP_ECHO_C);
    execFileSync('gcc', ['-static', '-O1', '-o', join(d.dir, 'udpecho'), src]);
    const port = await freePort();
    await ok([
      'run',
      '-d',
      '--name',
      'udp6',
      '--network',
      'six',
      '-p',
      `[::1]:${port}:7/udp`,
      '-v',
      `${join(d.dir, 'udpecho')}:/udpecho:ro`,
      'busybox',
      '/udpecho',
      '7',
    ]);
    assert.match(await ok(['port', 'udp6']), new RegExp(`^7/udp -> \\[::1\\]:${port}\n$`));
    const sock = createSocket('udp6');
    try {
      const ask = (): Promise<string | false> =>
        new Promise((resolve) => {
          const got = (m: Buffer): void => {
            clearTimeout(t);
            resolve(m.toString());
          };
          const t = setTimeout(() => {
            sock.off('message', got);
            resolve(false);
          }, 500);
          sock.once('message', got);
          sock.send('ping6\n', port, '::1');
        });
      assert.equal(await eventually('a UDP reply through [::1]', ask, 10_000), 'PING6\n');
    } finally {
      sock.close();
    }
    await ok(['rm', '-f', 'udp6']);
  });

  it('a port published on every address answers on [::1] and 127.0.0.1, listed for 0.0.0.0 and [::]', async () => {
    const port = await freePort();
    await ok(['run', '-d', '--name', 'web46', '--network', 'six', '-p', `${port}:80`, 'busybox', 'sh', '-c', 'echo v46 > /i; exec httpd -f -p 80 -h /']);
    assert.equal(await ok(['port', 'web46']), `80/tcp -> 0.0.0.0:${port}\n80/tcp -> [::]:${port}\n`);
    for (const host of ['[::1]', '127.0.0.1']) {
      const body = await eventually(
        `${host}:${port} answers`,
        () =>
          fetch(`http://${host}:${port}/i`).then(
            (r) => r.text(),
            () => false,
          ),
        10_000,
      );
      assert.equal(body, 'v46\n');
    }
    await ok(['rm', '-f', 'web46']);
  });

  it('makes an IPv6-only network with EnableIPv4=false (API 1.48)', async (t) => {
    const version = JSON.parse((await d.api('GET', '/version')).body) as { ApiVersion: string };
    if (Number(version.ApiVersion.split('.')[1]) < 48) return t.skip(`berthd serves API ${version.ApiVersion}, EnableIPv4 came in 1.48`);
    const subnet = `${prefix.slice(0, -1)}3::/64`;
    const r = await d.api('POST', '/v1.48/networks/create', { Name: 'only6', EnableIPv4: false, EnableIPv6: true, IPAM: { Config: [{ Subnet: subnet }] } });
    assert.equal(r.status, 201, r.body);
    bridges.push(await bridgeOf('only6'));
    const n = JSON.parse((await d.api('GET', '/v1.48/networks/only6')).body) as NetworkJson;
    assert.equal(n.EnableIPv4, false);
    assert.deepEqual(n.IPAM.Config, [{ Subnet: subnet, Gateway: `${prefix.slice(0, -1)}3::1` }]);
    const old = JSON.parse((await d.api('GET', '/v1.47/networks/only6')).body) as NetworkJson;
    assert.equal('EnableIPv4' in old, false);
    await ok(['run', '-d', '--name', 'only6-a', '--network', 'only6', 'busybox', 'sleep', '300']);
    const out = await ok([
      'run',
      '--rm',
      '--network',
      'only6',
      'busybox',
      'sh',
      '-c',
      'ip -4 addr show eth0 | grep -c inet; cat /etc/resolv.conf; nslookup -type=aaaa only6-a',
    ]);
    assert.match(out, /^0\n/);
    assert.match(out, new RegExp(`nameserver ${prefix.slice(0, -1)}3::1`));
    const a6 = (await ok(['inspect', '-f', '{{.NetworkSettings.Networks.only6.GlobalIPv6Address}}', 'only6-a'])).trim();
    assert.match(out, new RegExp(`Address:\\s+${a6}\\b`));
    assert.equal((await ok(['inspect', '-f', '{{.NetworkSettings.Networks.only6.IPAddress}}', 'only6-a'])).trim(), '');
    const both = await d.api('POST', '/v1.48/networks/create', { Name: 'neither', EnableIPv4: false });
    assert.equal(both.status, 400, both.body);
  });

  it('the Python SDK creates, runs and connects with IPv6 addresses', async () => {
    const subnet = `${prefix.slice(0, -1)}4::/64`;
    const script = [
      'import docker, json',
      `c = docker.DockerClient(base_url="unix://${d.socket}")`,
      `ipam = docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet="${subnet}")])`,
      'n = c.networks.create("pysix", driver="bridge", enable_ipv6=True, ipam=ipam)',
      'api = c.api',
      `nc = api.create_networking_config({"pysix": api.create_endpoint_config(ipv6_address="${prefix.slice(0, -1)}4::44")})`,
      'ct = api.create_container("busybox", ["sleep", "300"], name="pysix-a", networking_config=nc, host_config=api.create_host_config(network_mode="pysix"))',
      'api.start(ct)',
      'c.containers.run("busybox", ["sleep", "300"], name="pysix-b", detach=True)',
      `api.connect_container_to_network("pysix-b", "pysix", ipv6_address="${prefix.slice(0, -1)}4::45")`,
      'a = c.containers.get("pysix-a").attrs["NetworkSettings"]["Networks"]["pysix"]',
      'b = c.containers.get("pysix-b").attrs["NetworkSettings"]["Networks"]["pysix"]',
      'n.reload()',
      'code, out = c.containers.get("pysix-b").exec_run(["ping", "-6", "-c1", "-W5", a["GlobalIPv6Address"]])',
      'print(json.dumps({"a": a["GlobalIPv6Address"], "b": b["GlobalIPv6Address"], "v6": n.attrs["EnableIPv6"], "cfg": n.attrs["IPAM"]["Config"], "ping": code}))',
    ].join('\n');
    const r = await runProgram('python3', ['-c', script], process.env, { timeoutMs: 120_000 });
    assert.equal(r.code, 0, `${r.stderr}\n${d.log().slice(-2000)}`);
    const got = JSON.parse(r.stdout) as { a: string; b: string; v6: boolean; cfg: Array<{ Subnet: string }>; ping: number };
    assert.equal(got.a, `${prefix.slice(0, -1)}4::44`);
    assert.equal(got.b, `${prefix.slice(0, -1)}4::45`);
    assert.equal(got.v6, true);
    assert.ok(got.cfg.some((c) => c.Subnet === subnet));
    assert.equal(got.ping, 0);
    bridges.push(await bridgeOf('pysix'));
  });

  it('the berth CLI speaks the same flags: network create --ipv6, run --ip6, network connect --ip6, port', async () => {
    const berthOk = async (args: string[]): Promise<string> => {
      const r = await d.berth(args, { timeoutMs: 60_000 });
      assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const p5 = prefix.slice(0, -1) + '5';
    await berthOk(['network', 'create', '--ipv6', '--subnet', `${p5}::/64`, 'bsix']);
    bridges.push(await bridgeOf('bsix'));
    const port = await freePort();
    await berthOk(['run', '-d', '--name', 'bsix-a', '--network', 'bsix', '--ip6', `${p5}::a`, '-p', `[::1]:${port}:80`, 'busybox', 'sleep', '300']);
    assert.equal((await berthOk(['inspect', '-f', '{{.NetworkSettings.Networks.bsix.GlobalIPv6Address}}', 'bsix-a'])).trim(), `${p5}::a`);
    assert.equal(await berthOk(['port', 'bsix-a']), `80/tcp -> [::1]:${port}\n`);
    await berthOk(['run', '-d', '--name', 'bsix-b', 'busybox', 'sleep', '300']);
    await berthOk(['network', 'connect', '--ip6', `${p5}::b`, 'bsix', 'bsix-b']);
    assert.match(await berthOk(['exec', 'bsix-b', 'ping', '-6', '-c1', '-W5', `${p5}::a`]), /1 packets received/);
    await berthOk(['rm', '-f', 'bsix-a', 'bsix-b']);
  });

  it('leaves no ip6tables rule and puts net.ipv6.conf.all.forwarding back once its networks are gone', async () => {
    await ok(['rm', '-f', 'six-a', 'six-b', 'six2-peer', 'only6-a', 'pysix-a', 'pysix-b']);
    for (const n of ['six', 'six2', 'only6', 'pysix', 'bsix']) await d.docker(['network', 'rm', n]);
    const save = ip6tablesSave();
    for (const br of bridges) assert.ok(!save.includes(br), `ip6tables still names ${br}:\n${save}`);
    // Another IPv6 network of berth's (a parallel run) may still hold forwarding on.
    const others = execFileSync('ip', ['-6', '-o', 'addr', 'show', 'scope', 'global'], { encoding: 'utf8' })
      .split('\n')
      .some((l) => /^\d+: (br-|bt)/.test(l));
    if (!others) assert.equal(forwarding(), forwardingAfter);
  });
});

describe('IPv6 on the default bridge (daemon.json ipv6, fixed-cidr-v6)', () => {
  let d: Daemon;
  const subnet = `${ula()}::/64`;

  before(async () => {
    d = await startDaemon({ config: { ipv6: true, 'fixed-cidr-v6': subnet } });
  });
  after(async () => {
    await d?.stop();
    // The default bridge is never removed by a network rm: its bridge went with the sweep, and
    // forwarding goes back as the next berthd's start-up would put it.
    await releaseIpv6Host();
  });

  it('containers on the default bridge get IPv6 addresses, shown at the top of NetworkSettings', async () => {
    const [bridge] = JSON.parse(await dockerOk(d, ['network', 'inspect', 'bridge'])) as NetworkJson[];
    assert.equal(bridge!.EnableIPv6, true);
    assert.deepEqual(bridge!.IPAM.Config[1], { Subnet: subnet, Gateway: subnet.replace('::/64', '::1') });
    await dockerOk(d, ['run', '-d', '--name', 'dflt6', 'busybox', 'sleep', '300']);
    const ns = JSON.parse(await dockerOk(d, ['inspect', '-f', '{{json .NetworkSettings}}', 'dflt6'])) as Record<string, unknown>;
    assert.ok(String(ns.GlobalIPv6Address).startsWith(subnet.replace('::/64', '::')), JSON.stringify(ns));
    assert.equal(ns.GlobalIPv6PrefixLen, 64);
    assert.equal(ns.IPv6Gateway, subnet.replace('::/64', '::1'));
    const out = await dockerOk(d, ['run', '--rm', 'busybox', 'ping', '-6', '-c1', '-W5', String(ns.GlobalIPv6Address)]);
    assert.match(out, /1 packets received/);
  });
});
