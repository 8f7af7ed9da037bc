import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import { FLAG_FIN, FrameReader, FrameType, MAX_DATA_PAYLOAD, dataFrame, goAway, ping, rstStream, synReply, synStream, type Frame } from './frames.js';
import { HeaderCompressor, HeaderDecompressor, type SpdyHeaders } from './headers.js';

/** RST_STREAM status codes berth sends. */
const RST_PROTOCOL_ERROR = 1;
const RST_CANCEL = 5;

/**
 * One SPDY stream as a Node duplex: what the peer sends is readable (ending at its FIN), what is
 * written goes out as DATA frames, `end()` sends FIN. Destroying a stream that is still open either
 * way resets it (RST_STREAM CANCEL). No flow control is applied to what is sent, as Go's spdystream
 * (the kubelet's and kubectl's side) applies none.
 */
export class SpdyStream extends Duplex {
  private localDone = false;
  private remoteDone = false;

  constructor(
    private readonly session: SpdySession,
    readonly id: number,
    readonly headers: SpdyHeaders,
  ) {
    super({ allowHalfOpen: true });
  }

  /** Accepts a stream the peer opened (SYN_REPLY, no headers). */
  reply(): void {
    this.session.send(synReply(this.id, 0, this.session.compress({})));
  }

  /** @internal the peer's data or FIN. */
  received(payload: Buffer, fin: boolean): void {
    if (this.remoteDone) return;
    if (payload.length > 0) this.push(payload);
    if (fin) this.remoteEnded();
  }

  /** @internal the peer's FIN, a reset or the session's end. */
  remoteEnded(): void {
    if (this.remoteDone) return;
    this.remoteDone = true;
    this.push(null);
    this.settle();
  }

  /** @internal the session ended: nothing more can be sent. */
  sessionEnded(): void {
    this.localDone = true;
    this.remoteEnded();
  }

  private settle(): void {
    if (this.localDone && this.remoteDone) this.session.forget(this.id);
  }

  override _read(): void {
    // Data is pushed as frames arrive.
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.localDone) return cb(new Error('spdy: stream closed'));
    for (let off = 0; off < chunk.length; off += MAX_DATA_PAYLOAD) {
      const last = off + MAX_DATA_PAYLOAD >= chunk.length;
      this.session.send(dataFrame(this.id, 0, chunk.subarray(off, off + MAX_DATA_PAYLOAD)), last ? cb : undefined);
    }
    if (chunk.length === 0) cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (!this.localDone) {
      this.localDone = true;
      this.session.send(dataFrame(this.id, FLAG_FIN, Buffer.alloc(0)));
      this.settle();
    }
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!this.localDone || !this.remoteDone) {
      this.localDone = true;
      this.remoteDone = true;
      this.session.send(rstStream(this.id, RST_CANCEL));
      this.session.forget(this.id);
    }
    cb(err);
  }
}

/**
 * A SPDY/3.1 session over a connection (after an HTTP upgrade to `SPDY/3.1`), as Kubernetes'
 * streaming protocols use it: the client opens streams named by their headers, the server
 * accepts them. Emits `stream` (server: a stream the peer opened, to be `reply()`d) and `close`.
 * PINGs are answered; SETTINGS, HEADERS and WINDOW_UPDATE are read and ignored.
 */
export class SpdySession extends EventEmitter {
  private readonly reader = new FrameReader();
  private readonly deflate = new HeaderCompressor();
  private readonly inflate = new HeaderDecompressor();
  private readonly streams = new Map<number, SpdyStream>();
  private readonly pending = new Map<number, { resolve: (s: SpdyStream) => void; reject: (e: Error) => void; stream: SpdyStream }>();
  private nextId: number;
  private lastPeerId = 0;
  private closed = false;
  private emittedClose = false;

  constructor(
    private readonly socket: Duplex,
    opts: { server: boolean },
  ) {
    super();
    this.nextId = opts.server ? 2 : 1;
    socket.on('data', (chunk: Buffer) => this.onBytes(chunk));
    socket.on('end', () => this.shutdown());
    socket.on('close', () => this.shutdown());
    socket.on('error', () => this.shutdown());
  }

  /** Whether the session has ended (closed by either side, or the connection lost). */
  get ended(): boolean {
    return this.emittedClose;
  }

  /** @internal */
  compress(headers: SpdyHeaders): Buffer {
    return this.deflate.compress(headers);
  }

  /** @internal */
  send(frame: Buffer, cb?: (err?: Error | null) => void): void {
    if (this.closed || this.socket.destroyed) {
      cb?.(new Error('spdy: session closed'));
      return;
    }
    this.socket.write(frame, cb);
  }

  /** @internal */
  forget(id: number): void {
    this.streams.delete(id);
  }

  /** Opens a stream (the client's side) and settles once the peer replied. */
  openStream(headers: SpdyHeaders): Promise<SpdyStream> {
    const id = this.nextId;
    this.nextId += 2;
    const stream = new SpdyStream(this, id, headers);
    this.streams.set(id, stream);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, stream });
      this.send(synStream(id, 0, this.compress(headers)));
    });
  }

  /** Ends the session: GOAWAY, then the connection once what was written has gone out. */
  close(): void {
    if (this.closed) return;
    this.send(goAway(this.lastPeerId, 0));
    this.closed = true;
    this.socket.end();
    this.shutdown();
  }

  private shutdown(): void {
    this.closed = true;
    for (const s of this.streams.values()) s.sessionEnded();
    this.streams.clear();
    for (const p of this.pending.values()) p.reject(new Error('spdy: session closed'));
    this.pending.clear();
    if (!this.socket.writableEnded) this.socket.end();
    if (this.emittedClose) return;
    this.emittedClose = true;
    this.emit('close');
  }

  private onBytes(chunk: Buffer): void {
    try {
      for (const f of this.reader.push(chunk)) this.onFrame(f);
    } catch (err) {
      this.emit('protocolError', err);
      this.socket.destroy();
      this.shutdown();
    }
  }

  private onFrame(f: Frame): void {
    if (!f.control) {
      this.streams.get(f.streamId)?.received(f.payload, (f.flags & FLAG_FIN) !== 0);
      return;
    }
    const id = f.payload.length >= 4 ? f.payload.readUInt32BE(0) & 0x7fffffff : 0;
    switch (f.type) {
      case FrameType.SYN_STREAM: {
        const headers = this.inflate.decompress(f.payload.subarray(10));
        this.lastPeerId = id;
        if (this.streams.has(id)) {
          this.send(rstStream(id, RST_PROTOCOL_ERROR));
          return;
        }
        const stream = new SpdyStream(this, id, headers);
        this.streams.set(id, stream);
        this.emit('stream', stream);
        if ((f.flags & FLAG_FIN) !== 0) stream.remoteEnded();
        return;
      }
      case FrameType.SYN_REPLY: {
        this.inflate.decompress(f.payload.subarray(4));
        const p = this.pending.get(id);
        this.pending.delete(id);
        p?.resolve(p.stream);
        if ((f.flags & FLAG_FIN) !== 0) this.streams.get(id)?.remoteEnded();
        return;
      }
      case FrameType.HEADERS:
        this.inflate.decompress(f.payload.subarray(4)); // keeps the peer's compression context in step
        if ((f.flags & FLAG_FIN) !== 0) this.streams.get(id)?.remoteEnded();
        return;
      case FrameType.RST_STREAM: {
        const s = this.streams.get(id);
        this.streams.delete(id);
        const p = this.pending.get(id);
        this.pending.delete(id);
        p?.reject(new Error(`spdy: stream ${id} reset`));
        s?.sessionEnded();
        return;
      }
      case FrameType.PING:
        // Answer the peer's pings (odd ids from a client, even from a server); ours come back.
        if (id % 2 !== this.nextId % 2) this.send(ping(id));
        return;
      case FrameType.GOAWAY:
        this.socket.end();
        this.shutdown();
        return;
      default:
      // SETTINGS, WINDOW_UPDATE, NOOP: nothing to do.
    }
  }
}
