import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { link, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { receiveTree, type Packet, type PacketConn, type ReceivedEntry } from './fsutil-receive.js';
import { sendTree, type SendConn } from './fsutil-send.js';

/** Two ends of one DiffCopy stream in memory; `trace` records what the sender sent. */
function pipe(): { a: SendConn; b: PacketConn; trace: Packet[] } {
  const queues: [Packet[], Packet[]] = [[], []];
  const waiting: [(() => void) | undefined, (() => void) | undefined] = [undefined, undefined];
  const trace: Packet[] = [];
  const end = (me: 0 | 1): PacketConn => ({
    send(p) {
      if (me === 0) trace.push(p);
      queues[1 - me]!.push(p);
      waiting[1 - me]?.();
    },
    async recv() {
      while (queues[me]!.length === 0) await new Promise<void>((r) => (waiting[me] = r));
      return queues[me]!.shift();
    },
  });
  return { a: { ...end(0), drain: async () => undefined }, b: end(1), trace };
}

describe('fsutil DiffCopy sender', () => {
  it('sends a tree that the receiver gets whole, in walk order, with hard links as links and their content once', async () => {
    const root = await mkdtemp(join(tmpdir(), 'berth-fsutil-send-'));
    try {
      await mkdir(join(root, 'a'));
      await writeFile(join(root, 'a', 'b.txt'), 'bee');
      await writeFile(join(root, 'a.txt'), Buffer.alloc(100_000, 7));
      await link(join(root, 'a.txt'), join(root, 'z-hard'));
      await symlink('a/b.txt', join(root, 'link'));
      const { a, b, trace } = pipe();
      const got: Array<{ entry: ReceivedEntry; content?: Buffer }> = [];
      const [bytes] = await Promise.all([
        sendTree(a, root),
        receiveTree(b, async (entry, content) => {
          const chunks: Buffer[] = [];
          for await (const c of content ?? []) chunks.push(c);
          got.push({ entry, ...(content ? { content: Buffer.concat(chunks) } : {}) });
        }),
      ]);
      assert.deepEqual(
        got.map((g) => [g.entry.path, g.entry.kind, g.entry.linkname]),
        [
          ['a', 'dir', ''],
          ['a/b.txt', 'file', ''],
          ['a.txt', 'file', ''],
          ['link', 'symlink', 'a/b.txt'],
          ['z-hard', 'hardlink', 'a.txt'],
        ],
      );
      assert.equal(got[1]!.content?.toString(), 'bee');
      assert.deepEqual(got[2]!.content, Buffer.alloc(100_000, 7));
      assert.equal(bytes, 100_003, "the hard link's content is not sent again");
      assert.ok(trace.filter((p) => p.type === 'PACKET_DATA' && (p.data?.length ?? 0) > 0).every((p) => p.data!.length <= 32 * 1024));
      assert.equal(trace.at(-1)?.type, 'PACKET_FIN', "the receiver's FIN is answered");
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("reports the receiver's error", async () => {
    const root = await mkdtemp(join(tmpdir(), 'berth-fsutil-send-'));
    try {
      await writeFile(join(root, 'f'), 'x');
      const { a, b } = pipe();
      const recv = (async () => {
        while ((await b.recv())?.stat !== null);
        b.send({ type: 'PACKET_ERR', data: Buffer.from('disk full') });
      })();
      await assert.rejects(sendTree(a, root), /error from receiver: disk full/);
      await recv;
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
