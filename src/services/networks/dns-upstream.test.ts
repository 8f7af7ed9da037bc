import { strict as assert } from 'node:assert';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { after, describe, it } from 'node:test';
import { answer, parseQuestion } from './dns.js';
import { UpstreamPool } from './dns-upstream.js';

function query(name: string, id: number): Buffer {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  const head = Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
  return Buffer.concat([head, ...labels, Buffer.from([0, 0, 1, 0, 1])]);
}

const lastOctet = (reply: Buffer): number => reply[reply.length - 1]!;

/** A UDP server on 127.0.0.1 that hands each query to `onQuery`; records where queries came from. */
async function fakeUpstream(
  onQuery: (sock: Socket, msg: Buffer, from: RemoteInfo) => void,
): Promise<{ port: number; sources: RemoteInfo[]; ids: number[]; sock: Socket }> {
  const sock = createSocket('udp4');
  const sources: RemoteInfo[] = [];
  const ids: number[] = [];
  sock.on('message', (msg, from) => {
    sources.push(from);
    ids.push(msg.readUInt16BE(0));
    onQuery(sock, msg, from);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  return { port: sock.address().port, sources, ids, sock };
}

const reply = (msg: Buffer, ip: string, rcode = 0): Buffer => answer(msg, parseQuestion(msg)!, rcode === 0 ? ip : undefined, rcode);

describe('dns upstream pool', () => {
  const closers: Array<() => void> = [];
  after(() => closers.forEach((c) => c()));

  it('forwards many queries through a few sockets and gives each reply its own query ID back', async () => {
    const up = await fakeUpstream((s, msg, from) => s.send(reply(msg, '192.0.2.7'), from.port, from.address));
    const pool = new UpstreamPool();
    closers.push(
      () => up.sock.close(),
      () => pool.close(),
    );
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        pool.exchange(query(`n${i}.example`, 0x1000 + i), query(`n${i}.example`, 0).length, [{ address: '127.0.0.1', port: up.port }]),
      ),
    );
    replies.forEach((r, i) => {
      assert.ok(Buffer.isBuffer(r));
      assert.equal(r.readUInt16BE(0), 0x1000 + i);
      assert.equal(lastOctet(r), 7);
    });
    assert.equal(up.sources.length, 40);
    assert.ok(new Set(up.sources.map((s) => s.port)).size <= 4, "queries share the pool's sockets");
  });

  it('drops a spoofed reply from another port or with another ID, and takes the real one', async () => {
    const spoofer = createSocket('udp4');
    await new Promise<void>((r) => spoofer.bind(0, '127.0.0.1', () => r()));
    const up = await fakeUpstream((s, msg, from) => {
      const forged = reply(msg, '203.0.113.66');
      const wrongId = Buffer.from(forged);
      wrongId.writeUInt16BE((msg.readUInt16BE(0) + 1) & 0xffff, 0);
      // The forgeries go first (from another port; from the right port with a wrong ID), then the real answer.
      spoofer.send(forged, from.port, from.address, () =>
        s.send(wrongId, from.port, from.address, () => s.send(reply(msg, '192.0.2.9'), from.port, from.address)),
      );
    });
    const pool = new UpstreamPool();
    closers.push(
      () => up.sock.close(),
      () => spoofer.close(),
      () => pool.close(),
    );
    const q = query('www.example', 0x4242);
    const r = await pool.exchange(q, q.length, [{ address: '127.0.0.1', port: up.port }]);
    assert.ok(Buffer.isBuffer(r));
    assert.equal(r.readUInt16BE(0), 0x4242);
    assert.equal(lastOctet(r), 9, 'the answer of the upstream that was asked');
  });

  it('passes a SERVFAIL answer on to the next upstream; SERVFAIL when none answers', async () => {
    const failing = await fakeUpstream((s, msg, from) => s.send(reply(msg, '', 2), from.port, from.address));
    const good = await fakeUpstream((s, msg, from) => s.send(reply(msg, '192.0.2.3'), from.port, from.address));
    const pool = new UpstreamPool();
    closers.push(
      () => failing.sock.close(),
      () => good.sock.close(),
      () => pool.close(),
    );
    const q = query('www.example', 7);
    const r = await pool.exchange(q, q.length, [
      { address: '127.0.0.1', port: failing.port },
      { address: '127.0.0.1', port: good.port },
    ]);
    assert.ok(Buffer.isBuffer(r));
    assert.equal(lastOctet(r), 3);
    assert.equal(await pool.exchange(q, q.length, [{ address: '127.0.0.1', port: failing.port }]), 2);
  });
});
