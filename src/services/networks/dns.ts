import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';

/** Answers a name on one network with an IPv4 address, or undefined to forward it. */
export type NameLookup = (name: string) => string | undefined;

/** The question of a DNS query: name (lower case, no trailing dot), type, and where it ends. */
export function parseQuestion(msg: Buffer): { name: string; qtype: number; end: number } | undefined {
  if (msg.length < 12 || msg.readUInt16BE(4) !== 1) return undefined;
  const labels: string[] = [];
  let i = 12;
  while (i < msg.length) {
    const len = msg[i]!;
    if (len === 0) break;
    if (len > 63 || i + 1 + len > msg.length) return undefined;
    labels.push(msg.subarray(i + 1, i + 1 + len).toString('latin1'));
    i += 1 + len;
  }
  if (i + 5 > msg.length) return undefined;
  return { name: labels.join('.').toLowerCase(), qtype: msg.readUInt16BE(i + 1), end: i + 5 };
}

/** A response to `query`: one A record for `ip`, or no answers (NOERROR/NXDOMAIN). */
export function answer(query: Buffer, q: { end: number }, ip: string | undefined, rcode = 0): Buffer {
  const head = Buffer.from(query.subarray(0, q.end));
  head.writeUInt16BE(0x8180 | (query.readUInt16BE(2) & 0x0100) | rcode, 2); // QR, RD copied, RA
  head.writeUInt16BE(1, 4);
  head.writeUInt16BE(ip ? 1 : 0, 6);
  head.writeUInt32BE(0, 8); // no authority/additional
  if (!ip) return head;
  const rr = Buffer.alloc(16);
  rr.writeUInt16BE(0xc00c, 0); // pointer to the question's name
  rr.writeUInt16BE(1, 2);
  rr.writeUInt16BE(1, 4);
  rr.writeUInt32BE(600, 6);
  rr.writeUInt16BE(4, 10);
  ip.split('.').forEach((o, k) => rr.writeUInt8(Number(o), 12 + k));
  return Buffer.concat([head, rr]);
}

/** The host's resolvers (what berthd itself would use), for names that are not containers. */
function hostResolvers(): string[] {
  try {
    return readFileSync('/etc/resolv.conf', 'utf8')
      .split('\n')
      .map((l) => /^\s*nameserver\s+(\d+\.\d+\.\d+\.\d+)/.exec(l)?.[1])
      .filter((s): s is string => s !== undefined);
  } catch {
    return [];
  }
}

/**
 * One small DNS responder per user network, on UDP port 53 of the network's gateway address
 * (containers get it as their nameserver). Container names, aliases and short IDs on the network
 * are answered from `lookup`; AAAA for them gets an empty answer; every other query is relayed to
 * the host's resolvers and the reply passed back (SERVFAIL after 3 s).
 */
export class DnsResponders {
  private readonly sockets = new Map<string, Socket>();

  constructor(private readonly log: (msg: string) => void) {}

  async start(netId: string, address: string, lookup: NameLookup): Promise<void> {
    if (this.sockets.has(netId)) return;
    const sock = createSocket('udp4');
    sock.on('message', (msg, rinfo) => this.handle(sock, msg, rinfo, lookup));
    sock.on('error', (err) => this.log(`dns ${address}: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      const failed = (err: Error): void => {
        sock.close(); // a port already taken must not leave the socket open
        reject(err);
      };
      sock.once('error', failed);
      sock.bind(53, address, () => {
        sock.off('error', failed);
        resolve();
      });
    });
    this.sockets.set(netId, sock);
  }

  stop(netId: string): void {
    this.sockets.get(netId)?.close();
    this.sockets.delete(netId);
  }

  private handle(sock: Socket, msg: Buffer, rinfo: { address: string; port: number }, lookup: NameLookup): void {
    const q = parseQuestion(msg);
    if (q === undefined) return;
    const ip = lookup(q.name);
    if (ip !== undefined) {
      sock.send(answer(msg, q, q.qtype === 1 ? ip : undefined), rinfo.port, rinfo.address);
      return;
    }
    this.forward(msg, q, (reply) => sock.send(reply, rinfo.port, rinfo.address));
  }

  private forward(msg: Buffer, q: { end: number }, reply: (b: Buffer) => void): void {
    const upstream = hostResolvers()[0];
    if (upstream === undefined) return reply(answer(msg, q, undefined, 2));
    const out = createSocket('udp4');
    const timer = setTimeout(() => {
      out.close();
      reply(answer(msg, q, undefined, 2));
    }, 3000);
    out.on('message', (r) => {
      clearTimeout(timer);
      out.close();
      reply(r);
    });
    out.on('error', () => undefined);
    out.send(msg, 53, upstream);
  }
}
