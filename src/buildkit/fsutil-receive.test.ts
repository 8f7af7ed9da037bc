import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { goMode } from './fsutil-mode.js';
import { receiveTree, type Packet, type PacketConn, type ReceivedEntry, type Stat } from './fsutil-receive.js';

/**
 * A sender playing fsutil's side of DiffCopy: stats in walk order, an empty stat, then each REQ
 * answered with DATA packets (in `chunk`-byte pieces) and an empty DATA; FIN answered with FIN.
 */
function sender(files: Array<Stat & { content?: Buffer }>, opts: { chunk?: number; errorAfterStats?: string; interleave?: boolean } = {}) {
  const inbox: Packet[] = [];
  const sent: Packet[] = [];
  /** Per asked file, its DATA packets not yet sent; with `interleave`, taken round-robin as fsutil's four workers would. */
  const answering: Packet[][] = [];
  const out: Packet[] = files.map(({ content: _c, ...stat }) => ({ type: 'PACKET_STAT', stat }));
  out.push({ type: 'PACKET_STAT', stat: null });
  if (opts.errorAfterStats) out.push({ type: 'PACKET_ERR', data: Buffer.from(opts.errorAfterStats) });
  const conn: PacketConn = {
    send(p) {
      sent.push(p);
      if (p.type === 'PACKET_REQ') {
        const f = files[p.ID ?? 0]!;
        const c = f.content ?? Buffer.alloc(0);
        const step = opts.chunk ?? 32 * 1024;
        const q: Packet[] = [];
        for (let i = 0; i < c.length; i += step) q.push({ type: 'PACKET_DATA', ID: p.ID, data: c.subarray(i, i + step) });
        q.push({ type: 'PACKET_DATA', ID: p.ID, data: Buffer.alloc(0) });
        if (opts.interleave) answering.push(q);
        else inbox.push(...q);
      }
      if (p.type === 'PACKET_FIN') inbox.push({ type: 'PACKET_FIN' });
    },
    async recv() {
      const first = out.shift();
      if (first) return first;
      const q = answering.shift();
      if (q) {
        const p = q.shift()!;
        if (q.length > 0) answering.push(q);
        return p;
      }
      return inbox.shift();
    },
  };
  return { conn, sent };
}

async function receive(conn: PacketConn, have?: (e: ReceivedEntry) => boolean): Promise<Array<{ entry: ReceivedEntry; content?: string }>> {
  const got: Array<{ entry: ReceivedEntry; content?: string }> = [];
  await receiveTree(
    conn,
    async (entry, content) => {
      if (content === undefined) return void got.push({ entry });
      const chunks: Buffer[] = [];
      for await (const c of content) chunks.push(c);
      got.push({ entry, content: Buffer.concat(chunks).toString() });
    },
    have,
  );
  return got;
}

describe('fsutil DiffCopy receiver', () => {
  it('asks only for the files the receiver does not have with the same stat (the incremental local source)', async () => {
    const { conn, sent } = sender([
      { path: 'a.txt', mode: goMode('file', 0o644), size: 3, modTime: 1, content: Buffer.from('aaa') },
      { path: 'b.txt', mode: goMode('file', 0o644), size: 3, modTime: 2, content: Buffer.from('bbb') },
      { path: 'c.txt', mode: goMode('file', 0o644), size: 3, modTime: 3, content: Buffer.from('ccc') },
    ]);
    const seen: string[] = [];
    const got = await receive(conn, (e) => {
      seen.push(e.fingerprint);
      return e.path !== 'b.txt';
    });
    assert.deepEqual(
      sent.filter((p) => p.type === 'PACKET_REQ').map((p) => p.ID),
      [1],
    );
    assert.deepEqual(
      got.map((g) => [g.entry.path, g.entry.unchanged === true, g.content]),
      [
        ['a.txt', true, undefined],
        ['b.txt', false, 'bbb'],
        ['c.txt', true, undefined],
      ],
    );
    assert.equal(new Set(seen).size, 3, 'each stat has its own fingerprint');
  });

  it('receives dirs, files, symlinks and hard links in order, asking for file contents by stat number', async () => {
    const big = Buffer.alloc(100_000, 'x');
    const { conn, sent } = sender(
      [
        { path: 'dir', mode: goMode('dir', 0o755), modTime: 1_700_000_000_123_000_064 },
        { path: 'dir/a.txt', mode: goMode('file', 0o644), size: 5, uid: 1000, gid: 1000, content: Buffer.from('hello') },
        { path: 'dir/big', mode: goMode('file', 0o600), size: big.length, content: big },
        { path: 'dir/hard', mode: goMode('file', 0o644), linkname: 'dir/a.txt' },
        { path: 'link', mode: goMode('symlink', 0o777), linkname: 'dir/a.txt' },
        { path: 'setuid', mode: goMode('file', 0o4755), size: 0, content: Buffer.alloc(0) },
      ],
      { chunk: 32 * 1024 },
    );
    const got = await receive(conn);
    assert.deepEqual(
      got.map((g) => [g.entry.path, g.entry.kind, g.entry.perm.toString(8), g.entry.linkname, g.content?.length]),
      [
        ['dir', 'dir', '755', '', undefined],
        ['dir/a.txt', 'file', '644', '', 5],
        ['dir/big', 'file', '600', '', 100_000],
        ['dir/hard', 'hardlink', '644', 'dir/a.txt', undefined],
        ['link', 'symlink', '777', 'dir/a.txt', undefined],
        ['setuid', 'file', '4755', '', 0],
      ],
    );
    assert.equal(got[1]!.content, 'hello');
    assert.equal(got[1]!.entry.uid, 1000);
    assert.equal(got[0]!.entry.mtime.getTime(), 1_700_000_000_123);
    // REQ by stat number (0-based, every stat counts): files 1, 2 and 5; hard link and symlink never asked for; then FIN.
    assert.deepEqual(
      sent.map((p) => [p.type, p.ID]),
      [
        ['PACKET_REQ', 1],
        ['PACKET_REQ', 2],
        ['PACKET_REQ', 5],
        ['PACKET_FIN', undefined],
      ],
    );
  });

  it('asks for many files ahead and puts interleaved answers back in order', async () => {
    const files = Array.from({ length: 300 }, (_, i) => ({
      path: `f${String(i).padStart(3, '0')}`,
      mode: goMode('file', 0o644),
      size: 0,
      content: Buffer.from(`file ${i}\n`.repeat(i % 7)),
    }));
    for (const f of files) f.size = f.content.length;
    const big = Buffer.alloc(9 * 1024 * 1024, 'b'); // over the window: asked for alone, streamed
    const all = [...files.slice(0, 150), { path: 'g-big', mode: goMode('file', 0o644), size: big.length, content: big }, ...files.slice(150)];
    const { conn, sent } = sender(all, { chunk: 1000, interleave: true });
    const got = await receive(conn);
    assert.deepEqual(
      got.map((g) => [g.entry.path, g.content?.length]),
      all.map((f) => [f.path, f.content.length]),
    );
    assert.ok(got.every((g, i) => g.content === all[i]!.content.toString()));
    // Asked ahead: more than one REQ before the first file is written means no round trip per file.
    assert.deepEqual(sent.at(-1), { type: 'PACKET_FIN' });
    assert.equal(sent.filter((p) => p.type === 'PACKET_REQ').length, all.length);
  });

  it("fails with the sender's error", async () => {
    const { conn } = sender([{ path: 'a', mode: goMode('file', 0o644), size: 1, content: Buffer.from('a') }], { errorAfterStats: 'open a: permission denied' });
    await assert.rejects(receive(conn), /error from sender: open a: permission denied/);
  });

  it('fails when the stream ends early', async () => {
    const conn: PacketConn = { send: () => undefined, recv: async () => undefined };
    await assert.rejects(receive(conn), /closed the stream early/);
  });

  it('refuses paths that climb out of the tree', async () => {
    for (const path of ['../etc/passwd', 'a/../../b', '']) {
      const { conn } = sender([{ path, mode: goMode('file', 0o644), size: 0 }]);
      await assert.rejects(receive(conn), /invalid path/, path);
    }
  });
});
