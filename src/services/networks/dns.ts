import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { parseIp } from '../../lib/ip.js';
import { RCODE_SERVFAIL, UpstreamPool, type Upstream } from './dns-upstream.js';

/** A name's addresses as the container at `from` sees them (either may be empty), or undefined to forward the query. */
export type NameLookup = (name: string, from: string) => { v4: string; v6: string } | undefined;

export const QTYPE_A = 1;
export const QTYPE_AAAA = 28;

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

/** A response to `query`: one A (IPv4 `ip`) or AAAA (IPv6 `ip`) record, or no answers (NOERROR/NXDOMAIN). */
export function answer(query: Buffer, q: { end: number }, ip: string | undefined, rcode = 0): Buffer {
  const head = Buffer.from(query.subarray(0, q.end));
  head.writeUInt16BE(0x8180 | (query.readUInt16BE(2) & 0x0100) | rcode, 2); // QR, RD copied, RA
  head.writeUInt16BE(1, 4);
  head.writeUInt16BE(ip ? 1 : 0, 6);
  head.writeUInt32BE(0, 8); // no authority/additional
  const addr = ip ? parseIp(ip) : undefined;
  if (!addr) return head;
  const size = addr.family === 4 ? 4 : 16;
  const rr = Buffer.alloc(12 + size);
  rr.writeUInt16BE(0xc00c, 0); // pointer to the question's name
  rr.writeUInt16BE(addr.family === 4 ? QTYPE_A : QTYPE_AAAA, 2);
  rr.writeUInt16BE(1, 4);
  rr.writeUInt32BE(600, 6);
  rr.writeUInt16BE(size, 10);
  for (let k = 0; k < size; k++) rr.writeUInt8(Number((addr.n >> BigInt(8 * (size - 1 - k))) & 0xffn), 12 + k);
  return Buffer.concat([head, rr]);
}

/**
 * One small DNS responder per user network, on UDP port 53 of the network's gateway address (the
 * IPv6 one on an IPv6-only network)
 * (containers get it as their nameserver). Container names, aliases and short IDs on the network
 * are answered from `lookup` (A and AAAA; other types get an empty answer); every other query is relayed
 * through one shared socket pool (`UpstreamPool`) to the upstream resolvers — unless the
 * network's `mayForward` says no for the asking address (an `--internal` network whose
 * container has no other way out): then SERVFAIL at once, nothing leaves the host, as Docker's
 * resolver does when the sandbox has no external access.
 */
export class DnsResponders {
  private readonly sockets = new Map<string, Socket>();
  private readonly pool: UpstreamPool;

  constructor(
    private readonly log: (msg: string) => void,
    /** Where forwarded queries go (the daemon's `dns`, else the host's resolv.conf). */
    private readonly upstreams: () => Upstream[],
  ) {
    this.pool = new UpstreamPool(log);
  }

  async start(netId: string, address: string, lookup: NameLookup, mayForward: (from: string) => boolean): Promise<void> {
    if (this.sockets.has(netId)) return;
    const sock = createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4', ipv6Only: isIPv6(address) });
    sock.on('message', (msg, rinfo) => this.handle(sock, msg, rinfo, lookup, mayForward));
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

  private handle(sock: Socket, msg: Buffer, rinfo: { address: string; port: number }, lookup: NameLookup, mayForward: (from: string) => boolean): void {
    const q = parseQuestion(msg);
    if (q === undefined || (msg[2]! & 0x80) !== 0) return; // not a query (or a reply bounced at us)
    const send = (b: Buffer): void => {
      try {
        sock.send(b, rinfo.port, rinfo.address);
      } catch {
        // the network went away while the query was out
      }
    };
    const found = lookup(q.name, rinfo.address);
    if (found !== undefined) return send(answer(msg, q, q.qtype === QTYPE_A ? found.v4 : q.qtype === QTYPE_AAAA ? found.v6 : undefined));
    const upstreams = mayForward(rinfo.address) ? this.upstreams() : [];
    if (upstreams.length === 0) return send(answer(msg, q, undefined, RCODE_SERVFAIL));
    void this.pool.exchange(msg, q.end, upstreams).then(
      (r) => send(typeof r === 'number' ? answer(msg, q, undefined, r) : r),
      (err: Error) => this.log(`dns forward: ${err.message}`),
    );
  }
}

/** The host's resolvers (what berthd itself would use), read at most every few seconds. */
export function hostResolvers(): Upstream[] {
  const now = Date.now();
  if (now - cached.at > RESOLV_CONF_TTL_MS) {
    let text = '';
    try {
      text = readFileSync('/etc/resolv.conf', 'utf8');
    } catch {
      // no resolv.conf: nothing to forward to
    }
    const servers = text
      .split('\n')
      .map((l) => /^\s*nameserver\s+(\d+\.\d+\.\d+\.\d+)\s*$/.exec(l)?.[1])
      .filter((s): s is string => s !== undefined);
    cached = { at: now, servers: servers.map((address) => ({ address, port: 53 })) };
  }
  return cached.servers;
}

const RESOLV_CONF_TTL_MS = 5000;
let cached: { at: number; servers: Upstream[] } = { at: -Infinity, servers: [] };
