import { constants, inflateSync } from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary.js';

/** A SPDY header block: names (lowercase on the wire) to values; several values of one name are NUL-separated on the wire. */
export type SpdyHeaders = Record<string, string>;

function adler32(buf: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of buf) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** The uncompressed block: a 32-bit count, then each name and value with a 32-bit length. */
export function encodeHeaderPairs(headers: SpdyHeaders): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const entries = Object.entries(headers);
  parts.push(u32(entries.length));
  for (const [name, value] of entries) {
    const n = Buffer.from(name.toLowerCase());
    const v = Buffer.from(value);
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

/** Parses an uncompressed block; names are lowercased (Go writes them so; others may not). */
export function decodeHeaderPairs(block: Buffer): SpdyHeaders {
  const out: SpdyHeaders = {};
  let off = 0;
  const take = (): Buffer => {
    if (off + 4 > block.length) throw new Error('spdy: truncated header block');
    const len = block.readUInt32BE(off);
    off += 4;
    if (off + len > block.length) throw new Error('spdy: truncated header block');
    const b = block.subarray(off, off + len);
    off += len;
    return b;
  };
  if (block.length < 4) throw new Error('spdy: truncated header block');
  const count = block.readUInt32BE(0);
  off = 4;
  for (let i = 0; i < count; i++) {
    const name = take().toString().toLowerCase();
    out[name] = take().toString();
  }
  return out;
}

/**
 * The sending side's compression context. Blocks go out as zlib stored (uncompressed) blocks: a
 * valid continuation of one zlib stream with the SPDY dictionary (its id in the stream header),
 * byte-aligned as a sync flush leaves them, so every peer's inflater reads them, and no state is
 * kept but whether the stream header went out.
 */
export class HeaderCompressor {
  private started = false;

  compress(headers: SpdyHeaders): Buffer {
    const raw = encodeHeaderPairs(headers);
    const parts: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      // CMF 0x78 (deflate, 32 KiB window), FLG with FDICT, FCHECK making the pair a multiple of 31.
      const cmf = 0x78;
      let flg = 0x20;
      flg += (31 - ((cmf * 256 + flg) % 31)) % 31;
      const head = Buffer.alloc(6);
      head[0] = cmf;
      head[1] = flg;
      head.writeUInt32BE(adler32(SPDY3_DICTIONARY), 2);
      parts.push(head);
    }
    for (let off = 0; off < raw.length; off += 0xffff) {
      const chunk = raw.subarray(off, off + 0xffff);
      const h = Buffer.alloc(5);
      h[0] = 0; // BFINAL 0, BTYPE 00 (stored)
      h.writeUInt16LE(chunk.length, 1);
      h.writeUInt16LE(~chunk.length & 0xffff, 3);
      parts.push(h, chunk);
    }
    return Buffer.concat(parts);
  }
}

/**
 * The receiving side's decompression context: one zlib stream across all the peer's header blocks
 * (a block may refer to text of an earlier one). Node keeps no synchronous inflate context, so the
 * stream so far is inflated again for each block and the new output taken: blocks are a few dozen
 * bytes and a session has few streams.
 */
export class HeaderDecompressor {
  private input: Buffer = Buffer.alloc(0);
  private produced = 0;

  decompress(block: Buffer): SpdyHeaders {
    this.input = Buffer.concat([this.input, block]);
    const all = inflateSync(this.input, { dictionary: SPDY3_DICTIONARY, finishFlush: constants.Z_SYNC_FLUSH });
    const mine = all.subarray(this.produced);
    this.produced = all.length;
    return decodeHeaderPairs(mine);
  }
}
