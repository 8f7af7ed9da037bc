import type { Packet, Stat } from './fsutil-receive.js';

/**
 * fsutil's Packet (proto/fsutil.proto) decoded by hand, straight into what `receiveTree` reads:
 * a context of thousands of files is thousands of packets, and the generic proto loader's decode
 * to an object with every field and its default, then to a plain object with enum names, was a
 * good part of berthd's CPU per build. Gives what the proto loader gives for the fields `Packet`
 * and `Stat` name (64-bit integers as numbers, the type by name, an absent stat null, absent
 * scalars their defaults); `devmajor`, `devminor`, `xattrs` and unknown fields are skipped.
 */
export function decodePacket(buf: Buffer): Packet {
  const r = new WireReader(buf, 0, buf.length);
  let type = 0;
  let stat: Stat | null = null;
  let id = 0;
  let data: Buffer = EMPTY;
  while (r.pos < r.end) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | VARINT:
        type = r.uint32();
        break;
      case (2 << 3) | LEN: {
        const len = r.length();
        stat = decodeStat(buf, r.pos, r.pos + len);
        r.pos += len;
        break;
      }
      case (3 << 3) | VARINT:
        id = r.uint32();
        break;
      case (4 << 3) | LEN: {
        const len = r.length();
        data = buf.subarray(r.pos, r.pos + len);
        r.pos += len;
        break;
      }
      default:
        r.skip(tag & 7);
    }
  }
  return { type: (TYPES[type] ?? type) as Packet['type'], stat, ID: id, data };
}

const TYPES = ['PACKET_STAT', 'PACKET_REQ', 'PACKET_DATA', 'PACKET_FIN', 'PACKET_ERR'];
const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;
const EMPTY = Buffer.alloc(0);

function decodeStat(buf: Buffer, start: number, end: number): Stat {
  const r = new WireReader(buf, start, end);
  const st: Stat = { path: '', mode: 0, uid: 0, gid: 0, size: 0, modTime: 0, linkname: '' };
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | LEN:
        st.path = r.string();
        break;
      case (2 << 3) | VARINT:
        st.mode = r.uint32();
        break;
      case (3 << 3) | VARINT:
        st.uid = r.uint32();
        break;
      case (4 << 3) | VARINT:
        st.gid = r.uint32();
        break;
      case (5 << 3) | VARINT:
        st.size = r.int64();
        break;
      case (6 << 3) | VARINT:
        st.modTime = r.int64();
        break;
      case (7 << 3) | LEN:
        st.linkname = r.string();
        break;
      default:
        r.skip(tag & 7);
    }
  }
  return st;
}

/** Protobuf's wire format over `buf[pos, end)`; every read checks the end (a cut message is an error, never a read past it). */
class WireReader {
  /** The high 32 bits of the last varint read. */
  private hi = 0;

  constructor(
    readonly buf: Buffer,
    public pos: number,
    readonly end: number,
  ) {}

  /** A varint's low 32 bits, unsigned (uint32 and enum fields; a longer varint's high bits are dropped, as Go's decoder does). */
  uint32(): number {
    return this.varint() >>> 0;
  }

  /** An int64 as a number: high * 2^32 + low, as the proto loader's Long.toNumber (exact below 2^53, rounded above). */
  int64(): number {
    const lo = this.varint();
    return (this.hi | 0) * 4294967296 + (lo >>> 0);
  }

  length(): number {
    const n = this.uint32();
    if (n > this.end - this.pos) throw new Error('fsutil: truncated packet');
    return n;
  }

  string(): string {
    const len = this.length();
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  skip(wireType: number): void {
    if (wireType === VARINT) this.varint();
    else if (wireType === LEN) {
      const n = this.length(); // before `this.pos +=` reads pos: the length's own bytes count
      this.pos += n;
    } else if (wireType === I64 || wireType === I32) {
      const n = wireType === I64 ? 8 : 4;
      if (n > this.end - this.pos) throw new Error('fsutil: truncated packet');
      this.pos += n;
    } else throw new Error(`fsutil: invalid wire type ${wireType} in a packet`);
  }

  /** Up to 10 bytes, 7 bits each, least significant first: returns the low 32 bits, leaves the high ones in `hi`. */
  private varint(): number {
    let lo = 0;
    let hi = 0;
    for (let i = 0; ; i++) {
      if (this.pos >= this.end) throw new Error('fsutil: truncated packet');
      if (i >= 10) throw new Error('fsutil: invalid varint in a packet');
      const b = this.buf[this.pos++]!;
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if ((b & 0x80) === 0) {
        this.hi = hi;
        return lo;
      }
    }
  }
}
