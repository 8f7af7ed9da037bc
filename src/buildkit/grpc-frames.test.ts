import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { frame, FrameReader, MAX_MESSAGE } from './grpc-frames.js';

describe('gRPC message framing', () => {
  it('frames a message as flag 0, big-endian length, bytes', () => {
    assert.deepEqual(frame(Buffer.from('abc')), Buffer.from([0, 0, 0, 0, 3, 0x61, 0x62, 0x63]));
    assert.deepEqual(frame(Buffer.alloc(0)), Buffer.from([0, 0, 0, 0, 0]));
  });

  it('reads messages whatever the chunk boundaries', () => {
    const msgs = [Buffer.from('first'), Buffer.alloc(0), Buffer.alloc(70_000, 7), Buffer.from('last')];
    const wire = Buffer.concat(msgs.map(frame));
    for (const size of [1, 2, 5, 7, 4096, wire.length]) {
      const r = new FrameReader();
      const got: Buffer[] = [];
      for (let i = 0; i < wire.length; i += size) got.push(...r.push(wire.subarray(i, i + size)));
      assert.deepEqual(got, msgs, `chunks of ${size}`);
      assert.equal(r.partial, false);
    }
  });

  it('knows when the stream ended in the middle of a message', () => {
    const r = new FrameReader();
    assert.deepEqual(r.push(frame(Buffer.from('whole')).subarray(0, 7)), []);
    assert.equal(r.partial, true);
  });

  it('refuses compressed and oversized messages', () => {
    assert.throws(() => new FrameReader().push(Buffer.from([1, 0, 0, 0, 1, 9])), /compressed/);
    const head = Buffer.alloc(5);
    head.writeUInt32BE(MAX_MESSAGE + 1, 1);
    assert.throws(() => new FrameReader().push(head), /larger than max/);
  });
});
