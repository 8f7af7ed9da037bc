import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { constants, createDeflate, inflateSync } from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary.js';
import { FLAG_FIN, FrameReader, FrameType, dataFrame, ping, synStream } from './frames.js';
import { HeaderCompressor, HeaderDecompressor, decodeHeaderPairs, encodeHeaderPairs } from './headers.js';
import { SpdySession, type SpdyStream } from './session.js';

/** Two blocks from one real zlib deflate context with the dictionary, each sync-flushed (as Go's framer writes them). */
async function zlibBlocks(blocks: Buffer[]): Promise<Buffer[]> {
  const z = createDeflate({ dictionary: SPDY3_DICTIONARY });
  const out: Buffer[] = [];
  const res: Buffer[] = [];
  z.on('data', (c: Buffer) => out.push(c));
  for (const b of blocks) {
    z.write(b);
    await new Promise<void>((r) => z.flush(constants.Z_SYNC_FLUSH, () => r()));
    await new Promise((r) => setImmediate(r));
    res.push(Buffer.concat(out.splice(0)));
  }
  z.close();
  return res;
}

async function pair(): Promise<{ a: Socket; b: Socket; close(): void }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const accepted = new Promise<Socket>((r) => server.once('connection', r));
  const a = connect(port, '127.0.0.1');
  const b = await accepted;
  return { a, b, close: () => server.close() };
}

const readAll = (s: SpdyStream): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    s.on('data', (c: Buffer) => parts.push(c));
    s.on('end', () => resolve(Buffer.concat(parts)));
    s.on('error', reject);
  });

describe('SPDY/3.1 framing', () => {
  it('header pairs round-trip, names lowercased', () => {
    const block = encodeHeaderPairs({ StreamType: 'stdout', port: '80' });
    assert.equal(block.readUInt32BE(0), 2);
    assert.deepEqual(decodeHeaderPairs(block), { streamtype: 'stdout', port: '80' });
    assert.throws(() => decodeHeaderPairs(block.subarray(0, block.length - 1)), /truncated/);
  });

  it('compressed blocks are one zlib stream with the SPDY dictionary that zlib itself inflates', () => {
    const c = new HeaderCompressor();
    const one = c.compress({ streamtype: 'error' });
    const two = c.compress({ streamtype: 'stdin', requestid: '0' });
    const all = inflateSync(Buffer.concat([one, two]), { dictionary: SPDY3_DICTIONARY, finishFlush: constants.Z_SYNC_FLUSH });
    const first = encodeHeaderPairs({ streamtype: 'error' });
    assert.deepEqual(decodeHeaderPairs(all.subarray(0, first.length)), { streamtype: 'error' });
    assert.deepEqual(decodeHeaderPairs(all.subarray(first.length)), { streamtype: 'stdin', requestid: '0' });
    // A wrong dictionary is refused: the stream names the SPDY one.
    assert.throws(() => inflateSync(one, { dictionary: Buffer.from('other'), finishFlush: constants.Z_SYNC_FLUSH }));
  });

  it('reads the blocks of a real compressing peer, a later one referring to an earlier one', async () => {
    const blocks = [encodeHeaderPairs({ streamtype: 'stdout', port: '8080' }), encodeHeaderPairs({ streamtype: 'stdout', port: '8080', requestid: '7' })];
    const [one, two] = await zlibBlocks(blocks);
    const d = new HeaderDecompressor();
    assert.deepEqual(d.decompress(one!), { streamtype: 'stdout', port: '8080' });
    assert.deepEqual(d.decompress(two!), { streamtype: 'stdout', port: '8080', requestid: '7' });
  });

  it('splits frames arriving a byte at a time', () => {
    const wire = Buffer.concat([synStream(1, FLAG_FIN, Buffer.from('hb')), dataFrame(3, 0, Buffer.from('hello')), ping(7)]);
    const r = new FrameReader();
    const frames = [...wire].flatMap((byte) => r.push(Buffer.from([byte])));
    assert.equal(frames.length, 3);
    assert.deepEqual(
      frames.map((f) => (f.control ? ['control', f.type, f.flags, f.payload.length] : ['data', f.streamId, f.flags, f.payload.toString()])),
      [
        ['control', FrameType.SYN_STREAM, FLAG_FIN, 12],
        ['data', 3, 0, 'hello'],
        ['control', FrameType.PING, 0, 4],
      ],
    );
    assert.throws(() => new FrameReader().push(Buffer.from([0x80, 2, 0, 1, 0, 0, 0, 0])), /unsupported version 2/);
  });
});

describe('SPDY session', () => {
  it('a client opens streams by headers; the server replies, both sides stream and half-close', async () => {
    const p = await pair();
    const server = new SpdySession(p.b, { server: true });
    const client = new SpdySession(p.a, { server: false });
    const seen: Array<Record<string, string>> = [];
    server.on('stream', (s: SpdyStream) => {
      seen.push(s.headers);
      s.reply();
      // Echo upper-cased, then FIN after the client's FIN.
      s.on('data', (c: Buffer) => s.write(Buffer.from(c.toString().toUpperCase())));
      s.on('end', () => s.end());
    });
    const a = await client.openStream({ streamType: 'stdin', port: '80' });
    const b = await client.openStream({ streamType: 'stdout' });
    const big = 'x'.repeat(100_000);
    a.end(big);
    b.end('short');
    assert.equal((await readAll(a)).toString(), big.toUpperCase());
    assert.equal((await readAll(b)).toString(), 'SHORT');
    assert.deepEqual(seen, [{ streamtype: 'stdin', port: '80' }, { streamtype: 'stdout' }]);
    assert.deepEqual([a.id, b.id], [1, 3]);
    const closed = new Promise((r) => client.once('close', r));
    server.close();
    await closed;
    p.close();
  });

  it('answers a ping and ends the streams when the connection goes', async () => {
    const p = await pair();
    const server = new SpdySession(p.b, { server: true });
    let stream: SpdyStream | undefined;
    server.on('stream', (s: SpdyStream) => {
      stream = s;
      s.reply();
    });
    const reader = new FrameReader();
    const frames: ReturnType<FrameReader['push']> = [];
    p.a.on('data', (c: Buffer) => frames.push(...reader.push(c)));
    p.a.write(ping(5));
    p.a.write(synStream(1, 0, new HeaderCompressor().compress({ streamtype: 'data' })));
    await new Promise<void>((r) => {
      const t = setInterval(() => frames.length >= 2 && (clearInterval(t), r()), 5);
    });
    assert.deepEqual(
      frames.map((f) => f.control && f.type),
      [FrameType.PING, FrameType.SYN_REPLY],
    );
    const ended = readAll(stream!);
    p.a.destroy();
    await ended;
    p.close();
  });
});
