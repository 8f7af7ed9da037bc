/** SPDY/3.1 frame types (control frames) and flags. */
export const FrameType = {
  SYN_STREAM: 1,
  SYN_REPLY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  PING: 6,
  GOAWAY: 7,
  HEADERS: 8,
  WINDOW_UPDATE: 9,
} as const;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;
const VERSION = 3;
/** A frame's payload is at most 2^24-1 bytes; berth sends data in smaller pieces. */
export const MAX_DATA_PAYLOAD = 16 * 1024;

export type Frame = { control: true; type: number; flags: number; payload: Buffer } | { control: false; streamId: number; flags: number; payload: Buffer };

/** Splits bytes off the wire into frames; what is left is kept for the next chunk. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const frames: Frame[] = [];
    while (this.buf.length >= 8) {
      const len = this.buf.readUIntBE(5, 3);
      if (this.buf.length < 8 + len) break;
      const flags = this.buf[4]!;
      const payload = this.buf.subarray(8, 8 + len);
      if (this.buf[0]! & 0x80) {
        const version = this.buf.readUInt16BE(0) & 0x7fff;
        if (version !== VERSION) throw new Error(`spdy: unsupported version ${version}`);
        frames.push({ control: true, type: this.buf.readUInt16BE(2), flags, payload });
      } else {
        frames.push({ control: false, streamId: this.buf.readUInt32BE(0) & 0x7fffffff, flags, payload });
      }
      this.buf = this.buf.subarray(8 + len);
    }
    return frames;
  }
}

function header(first: number, second: number, flags: number, len: number): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(first, 0);
  h.writeUInt16BE(second, 2);
  h[4] = flags;
  h.writeUIntBE(len, 5, 3);
  return h;
}

export function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  return Buffer.concat([header(0x8000 | VERSION, type, flags, payload.length), payload]);
}

export function dataFrame(streamId: number, flags: number, payload: Buffer): Buffer {
  return Buffer.concat([header((streamId >>> 16) & 0x7fff, streamId & 0xffff, flags, payload.length), payload]);
}

/** 32-bit big-endian words. */
export function words(...ns: number[]): Buffer {
  const b = Buffer.alloc(ns.length * 4);
  ns.forEach((n, i) => b.writeUInt32BE(n >>> 0, i * 4));
  return b;
}

export function synStream(streamId: number, flags: number, block: Buffer): Buffer {
  // Associated stream 0, priority 0, slot 0.
  return controlFrame(FrameType.SYN_STREAM, flags, Buffer.concat([words(streamId, 0), Buffer.from([0, 0]), block]));
}

export function synReply(streamId: number, flags: number, block: Buffer): Buffer {
  return controlFrame(FrameType.SYN_REPLY, flags, Buffer.concat([words(streamId), block]));
}

export function rstStream(streamId: number, status: number): Buffer {
  return controlFrame(FrameType.RST_STREAM, 0, words(streamId, status));
}

export function goAway(lastStreamId: number, status: number): Buffer {
  return controlFrame(FrameType.GOAWAY, 0, words(lastStreamId, status));
}

export function ping(id: number): Buffer {
  return controlFrame(FrameType.PING, 0, words(id));
}
