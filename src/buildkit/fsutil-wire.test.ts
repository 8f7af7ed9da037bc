import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MethodDefinition } from '@grpc/proto-loader';
import { goMode } from './fsutil-mode.js';
import type { Packet } from './fsutil-receive.js';
import { decodePacket } from './fsutil-wire.js';
import { buildkitProtos } from './protos.js';

/** DiffCopy's (de)serializers from the proto loader: the reference the hand-written decoder must agree with. */
const diffCopy = (): MethodDefinition<object, Packet> => buildkitProtos().method('/moby.filesync.v1.FileSync/DiffCopy') as MethodDefinition<object, Packet>;

/** What the proto loader makes of `message` once encoded, and what decodePacket makes of the same bytes, on the fields Packet and Stat name. */
function both(message: object): { want: Packet; got: Packet; bytes: Buffer } {
  const m = diffCopy();
  const bytes = m.requestSerialize(message);
  const ref = m.responseDeserialize(bytes);
  const st = ref.stat;
  const want: Packet = {
    type: ref.type,
    stat: st ? { path: st.path, mode: st.mode, uid: st.uid, gid: st.gid, size: st.size, modTime: st.modTime, linkname: st.linkname } : null,
    ID: ref.ID,
    data: ref.data,
  };
  return { want, got: decodePacket(bytes), bytes };
}

describe('fsutil packets decoded by hand', () => {
  const cases: Array<[string, object]> = [
    [
      'a regular file',
      { type: 'PACKET_STAT', stat: { path: 'files/f1.txt', mode: 0o644, uid: 1000, gid: 1000, size: 7, modTime: 1_765_000_000_123 * 1e6 + 456_789 } },
    ],
    ['a directory with setgid and sticky bits', { type: 'PACKET_STAT', stat: { path: 'dir', mode: goMode('dir', 0o3775), uid: 0, gid: 0, modTime: 1 } }],
    ['a symlink', { type: 'PACKET_STAT', stat: { path: 'link', mode: goMode('symlink', 0o777), linkname: '../target with spaces' } }],
    ['a hard link to an earlier path', { type: 'PACKET_STAT', stat: { path: 'b', mode: goMode('file', 0o4755), size: 12, linkname: 'a' } }],
    ['the largest owner ids', { type: 'PACKET_STAT', stat: { path: 'x', mode: 0o600, uid: 4294967295, gid: 4294967294 } }],
    ['a large size', { type: 'PACKET_STAT', stat: { path: 'big', mode: 0o644, size: 2 ** 40 + 3 } }],
    ['sizes and times beyond 2^53', { type: 'PACKET_STAT', stat: { path: 'far', mode: 0o644, size: 2 ** 62, modTime: 2 ** 53 + 2 } }],
    ['a time before 1970', { type: 'PACKET_STAT', stat: { path: 'old', mode: 0o644, modTime: -1_000_000_000_123 } }],
    [
      'a device with numbers and xattrs (skipped)',
      { type: 'PACKET_STAT', stat: { path: 'dev', mode: (2 ** 26) | 0o600, devmajor: 8, devminor: 1, xattrs: { 'user.a': Buffer.from('b') } } },
    ],
    ['a non-ASCII path', { type: 'PACKET_STAT', stat: { path: 'données/é€😀.txt', mode: 0o644, size: 1 } }],
    ['the empty stat ending the stats', { type: 'PACKET_STAT' }],
    ['a stat with every field unset', { type: 'PACKET_STAT', stat: {} }],
    ['a request', { type: 'PACKET_REQ', ID: 2999 }],
    ['data', { type: 'PACKET_DATA', ID: 70000, data: Buffer.from('hello\nworld') }],
    ['the empty data ending a file', { type: 'PACKET_DATA', ID: 4, data: Buffer.alloc(0) }],
    ['fin', { type: 'PACKET_FIN' }],
    ['an error', { type: 'PACKET_ERR', data: Buffer.from('open x: permission denied') }],
  ];
  for (const [name, message] of cases)
    it(`as the proto loader does: ${name}`, () => {
      const { want, got } = both(message);
      assert.deepEqual(got, want);
    });

  it('takes the same 64-bit values the proto loader does, bit for bit', () => {
    for (const modTime of [0, 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, -1, -(2 ** 40), 2 ** 53 + 2, 1_733_580_000_999 * 1e6 + 999_999]) {
      const { want, got } = both({ type: 'PACKET_STAT', stat: { path: 'p', mode: 0o644, modTime, size: Math.abs(modTime) } });
      assert.equal(got.stat!.modTime, want.stat!.modTime, String(modTime));
      assert.equal(got.stat!.size, want.stat!.size, String(modTime));
    }
  });

  it('keeps data as a view of the message (no copy)', () => {
    const { got, bytes } = both({ type: 'PACKET_DATA', ID: 1, data: Buffer.from('abc') });
    assert.equal(got.data!.buffer, bytes.buffer);
  });

  it('refuses a cut message instead of reading past it', () => {
    const { bytes } = both({ type: 'PACKET_STAT', stat: { path: 'files/f1.txt', mode: 0o644, size: 300 } });
    for (const cut of [1, 3, 8, bytes.length - 1]) assert.throws(() => decodePacket(bytes.subarray(0, cut)), /truncated packet/, `cut at ${cut}`);
  });

  it('refuses a wire type protobuf does not have', () => {
    assert.throws(() => decodePacket(Buffer.from([(9 << 3) | 7, 0])), /invalid wire type 7/);
  });

  it('skips fields it does not know, of every wire type', () => {
    const { bytes } = both({ type: 'PACKET_REQ', ID: 5 });
    // Fields 11–14 (one-byte tags) of wire types varint, fixed64, length-delimited, fixed32; field 20 (a two-byte tag) a varint.
    const unknown = Buffer.from([
      (11 << 3) | 0,
      0x96,
      0x01,
      (12 << 3) | 1,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      (13 << 3) | 2,
      2,
      0x61,
      0x62,
      (14 << 3) | 5,
      1,
      2,
      3,
      4,
      0xa0,
      0x01,
      7,
    ]);
    assert.deepEqual(decodePacket(Buffer.concat([unknown, bytes])), { type: 'PACKET_REQ', stat: null, ID: 5, data: Buffer.alloc(0) });
  });
});
