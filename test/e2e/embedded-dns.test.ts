/**
 * The embedded DNS and the way out: a fake upstream resolver on a loopback address of its own
 * (port 53, named as the daemon's `dns`) answers every name and records what it was asked. A
 * container on a user network gets external names through it; a container on an `--internal`
 * network resolves its peers but no query of its ever reaches the upstream.
 */
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startDaemon, type Daemon } from './harness.js';

const FAKE_ANSWER = [198, 51, 100, 7];

/** Answers every A query with 198.51.100.7 (other types: no records); records the names asked. */
async function fakeResolver(): Promise<{ ip: string; asked: string[]; sock: Socket }> {
  const sock = createSocket('udp4');
  const asked: string[] = [];
  sock.on('message', (msg, from) => {
    const labels: string[] = [];
    let i = 12;
    while (i < msg.length && msg[i] !== 0) {
      labels.push(msg.subarray(i + 1, i + 1 + msg[i]!).toString());
      i += 1 + msg[i]!;
    }
    const qtype = msg.readUInt16BE(i + 1);
    asked.push(labels.join('.').toLowerCase());
    const head = Buffer.from(msg.subarray(0, i + 5));
    head.writeUInt16BE(0x8180, 2);
    head.writeUInt16BE(qtype === 1 ? 1 : 0, 6);
    const rr = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...FAKE_ANSWER]);
    sock.send(qtype === 1 ? Buffer.concat([head, rr]) : head, from.port, from.address);
  });
  // A loopback address of its own: nothing else of the host answers there, and port 53 is free.
  for (;;) {
    const ip = `127.53.${randomInt(1, 255)}.${randomInt(1, 255)}`;
    const bound = await new Promise<boolean>((resolve) => {
      sock.once('error', () => resolve(false));
      sock.bind(53, ip, () => resolve(true));
    });
    if (bound) return { ip, asked, sock };
  }
}

describe('embedded DNS on internal networks', () => {
  let d: Daemon;
  let upstream: Awaited<ReturnType<typeof fakeResolver>>;

  before(async () => {
    upstream = await fakeResolver();
    d = await startDaemon({ config: { dns: [upstream.ip] } });
  });
  after(async () => {
    await d?.stop();
    upstream?.sock.close();
  });

  const ok = async (args: string[]): Promise<string> => {
    const r = await d.docker(args, { timeoutMs: 60_000 });
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}\n${r.stdout}\n${d.log().slice(-2000)}`);
    return r.stdout;
  };

  it('a user network forwards external names to the upstream', async () => {
    await ok(['network', 'create', 'outnet']);
    const out = await ok(['run', '--rm', '--network', 'outnet', 'busybox', 'nslookup', 'ext-open.example']);
    assert.match(out, /198\.51\.100\.7/);
    assert.ok(upstream.asked.includes('ext-open.example'), `the upstream was asked: ${upstream.asked.join(' ')}`);
  });

  it('an internal network resolves its peers and never forwards a query out', async () => {
    await ok(['network', 'create', '--internal', 'closed']);
    await ok(['run', '-d', '--name', 'peer', '--network', 'closed', 'busybox', 'sleep', '120']);
    const peerIp = (await ok(['inspect', '-f', '{{.NetworkSettings.Networks.closed.IPAddress}}', 'peer'])).trim();
    const before = upstream.asked.length;
    const script =
      'nslookup peer; echo ---; nslookup ext-closed.example; echo "rc=$?"; echo ---; nslookup -type=mx ext-closed-mx.example; echo ---; wget -q -T 3 -O- http://ext-closed-wget.example/ 2>&1; true';
    const out = await ok(['run', '--rm', '--network', 'closed', 'busybox', 'sh', '-c', script]);
    const [peer, ext, mx] = out.split('---\n');
    assert.match(peer!, new RegExp(`Address:\\s+${peerIp.replace(/\./g, '\\.')}`), out);
    assert.doesNotMatch(ext!, /198\.51\.100\.7/, out);
    assert.match(ext!, /rc=1/, out);
    assert.doesNotMatch(mx!, /198\.51\.100\.7/, out);
    const leaked = upstream.asked.slice(before).filter((n) => n.includes('ext-closed'));
    assert.deepEqual(leaked, [], 'the upstream received no query from the internal network');
  });

  it("a container on an internal and a user network keeps its way out (Docker's policy)", async () => {
    await ok(['create', '--name', 'both', '--network', 'closed', 'busybox', 'nslookup', 'ext-both.example']);
    await ok(['network', 'connect', 'outnet', 'both']);
    await ok(['start', '-a', 'both']);
    assert.ok(upstream.asked.includes('ext-both.example'), `the upstream was asked: ${upstream.asked.join(' ')}`);
  });
});
