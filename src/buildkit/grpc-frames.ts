/**
 * gRPC's length-prefixed message framing (the body of an HTTP/2 gRPC stream): one byte of
 * compressed flag, four bytes of big-endian length, the message. berthd is the gRPC *client* of
 * the docker CLI's session services over a connection the CLI opened, which grpc-js cannot take
 * over, so the session calls speak this framing over node:http2 directly.
 */
export function frame(message: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

/** The largest message berthd accepts from a client (gRPC's default receive limit is 4 MiB; fsutil sends 32 KiB chunks). */
export const MAX_MESSAGE = 16 * 1024 * 1024;

/** Splits a byte stream into gRPC messages, whatever the chunk boundaries. */
export class FrameReader {
  private pending: Buffer[] = [];
  private size = 0;

  /** Feeds a chunk; returns the messages it completed. Compressed messages are refused (berthd never asks for compression). */
  push(chunk: Buffer): Buffer[] {
    this.pending.push(chunk);
    this.size += chunk.length;
    if (this.size < 5) return [];
    const buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.size);
    const out: Buffer[] = [];
    let off = 0;
    while (buf.length - off >= 5) {
      if (buf[off] !== 0) throw new Error('grpc: compressed message received without a negotiated encoding');
      const len = buf.readUInt32BE(off + 1);
      if (len > MAX_MESSAGE) throw new Error(`grpc: received message larger than max (${len} vs. ${MAX_MESSAGE})`);
      if (buf.length - off - 5 < len) break;
      out.push(buf.subarray(off + 5, off + 5 + len));
      off += 5 + len;
    }
    this.pending = off === buf.length ? [] : [off === 0 ? buf : buf.subarray(off)];
    this.size = buf.length - off;
    return out;
  }

  /** True when a message was cut off by the end of the stream. */
  get partial(): boolean {
    return this.size > 0;
  }
}
