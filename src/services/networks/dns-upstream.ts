import { randomInt } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';

/** A resolver queries are forwarded to. */
export interface Upstream {
  address: string;
  port: number;
}

/** Sockets shared by every forwarded query of the daemon (each query gets a fresh random ID). */
const POOL_SIZE = 4;
/** Docker's embedded DNS: at most 100 queries forwarded at once (more are answered REFUSED). */
export const MAX_IN_FLIGHT = 100;
/** Docker's extIOTimeout: an upstream that has not answered in 4 s is given up (the next is tried). */
const UPSTREAM_TIMEOUT_MS = 4000;
export const RCODE_SERVFAIL = 2;
const RCODE_REFUSED = 5;

interface Pending {
  upstream: Upstream;
  /** The query's question section (bytes 12…), which the reply must repeat. */
  question: Buffer;
  done(reply: Buffer | undefined): void;
}

interface PoolSocket {
  sock: Socket;
  /** Settles true once bound, false when binding failed. */
  ready: Promise<boolean>;
  /** Outstanding queries by the ID they were sent with. */
  pending: Map<number, Pending>;
}

/**
 * Forwards the embedded DNS's queries from a small pool of UDP sockets instead of a socket per
 * query. A reply is taken only when it comes from the address and port that was asked, carries
 * the random ID the query went out with and repeats its question; anything else (a spoofed or
 * stray datagram) is dropped. Upstreams are tried in order; one that times out or answers
 * SERVFAIL/REFUSED passes the query to the next (as Docker's resolver does).
 */
export class UpstreamPool {
  private readonly sockets: PoolSocket[] = [];
  private next = 0;
  private inFlight = 0;

  constructor(private readonly log: (msg: string) => void = () => undefined) {}

  /**
   * The reply to `query` from the first upstream that answers it (its ID set back to the
   * query's); else the rcode to answer with: REFUSED when MAX_IN_FLIGHT queries are already
   * out, SERVFAIL when no upstream answered (Docker's answers).
   */
  async exchange(query: Buffer, questionEnd: number, upstreams: Upstream[]): Promise<Buffer | number> {
    if (this.inFlight >= MAX_IN_FLIGHT) return RCODE_REFUSED;
    this.inFlight++;
    try {
      for (const upstream of upstreams) {
        const reply = await this.ask(query, questionEnd, upstream);
        if (reply === undefined) continue;
        const rcode = reply.readUInt16BE(2) & 0xf;
        if (rcode === RCODE_SERVFAIL || rcode === RCODE_REFUSED) continue;
        reply.writeUInt16BE(query.readUInt16BE(0), 0);
        return reply;
      }
      return RCODE_SERVFAIL;
    } finally {
      this.inFlight--;
    }
  }

  close(): void {
    for (const s of this.sockets.splice(0)) {
      for (const p of s.pending.values()) p.done(undefined);
      s.sock.close();
    }
  }

  private async ask(query: Buffer, questionEnd: number, upstream: Upstream): Promise<Buffer | undefined> {
    const ps = this.socket();
    if (!(await ps.ready)) return undefined;
    let id: number;
    do id = randomInt(0x10000);
    while (ps.pending.has(id));
    const out = Buffer.from(query);
    out.writeUInt16BE(id, 0);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(undefined), UPSTREAM_TIMEOUT_MS);
      const finish = (reply: Buffer | undefined): void => {
        clearTimeout(timer);
        ps.pending.delete(id);
        resolve(reply);
      };
      ps.pending.set(id, { upstream, question: query.subarray(12, questionEnd), done: finish });
      try {
        ps.sock.send(out, upstream.port, upstream.address, (err) => {
          if (err) finish(undefined);
        });
      } catch {
        finish(undefined); // the pool was closed
      }
    });
  }

  private socket(): PoolSocket {
    if (this.sockets.length < POOL_SIZE) {
      const sock = createSocket('udp4');
      const pending = new Map<number, Pending>();
      sock.on('message', (msg, rinfo) => {
        if (msg.length < 12) return;
        const p = pending.get(msg.readUInt16BE(0));
        if (p === undefined || rinfo.address !== p.upstream.address || rinfo.port !== p.upstream.port) return;
        if ((msg[2]! & 0x80) === 0 || !msg.subarray(12, 12 + p.question.length).equals(p.question)) return;
        p.done(msg);
      });
      const entry: PoolSocket = { sock, ready: Promise.resolve(false), pending };
      entry.ready = new Promise<boolean>((resolve) => {
        sock.once('error', (err) => {
          // Could not bind (out of ports or descriptors): leave the pool, a later query makes another.
          this.log(`dns upstream socket: ${err.message}`);
          const i = this.sockets.indexOf(entry);
          if (i >= 0) this.sockets.splice(i, 1);
          sock.close();
          resolve(false);
        });
        sock.bind(0, () => {
          sock.removeAllListeners('error');
          sock.on('error', (err) => this.log(`dns upstream socket: ${err.message}`));
          resolve(true);
        });
      });
      sock.unref();
      this.sockets.push(entry);
    }
    return this.sockets[this.next++ % this.sockets.length]!;
  }
}
