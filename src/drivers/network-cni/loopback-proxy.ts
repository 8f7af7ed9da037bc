import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, isIPv6, type Socket } from 'node:net';
import type { PortMapping } from '../../core/network.js';

/** How long a UDP client's upstream socket lives without traffic (docker-proxy's UDP timeout). */
const UDP_IDLE_MS = 90_000;

/**
 * Published ports on the IPv6 loopback (`-p [::1]:8080:80`): no DNAT can reach a container from
 * ::1 (the kernel drops packets from ::1 on a bridge; IPv6 has no `route_localnet`), so, as
 * dockerd's docker-proxy, a listener on [::1]:port relays to the container's address: each TCP
 * connection, and each UDP client's datagrams (through a socket of its own, closed after 90 s of
 * silence). It lives in berthd: after a restart `resume` listens again for running containers.
 */
export class LoopbackProxies {
  private readonly listeners = new Map<string, Array<{ close(): void }>>();

  constructor(private readonly log: (msg: string) => void) {}

  async start(containerId: string, ports: PortMapping[], target: string): Promise<void> {
    this.stop(containerId);
    const list: Array<{ close(): void }> = [];
    this.listeners.set(containerId, list);
    for (const p of ports) {
      if (p.protocol === 'sctp') throw new Error(`publishing sctp ports on [::1] is not supported by berth`);
      const where = `proxy [::1]:${p.hostPort}/${p.protocol}`;
      if (p.protocol === 'udp') {
        list.push(await udpRelay(p, target, (err) => this.log(`${where}: ${err.message}`)));
        continue;
      }
      const srv = createServer((client) => relay(client, target, p.containerPort));
      srv.on('error', (err) => this.log(`${where}: ${err.message}`));
      list.push(srv);
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen({ host: '::1', port: p.hostPort, ipv6Only: true }, () => {
          srv.off('error', reject);
          resolve();
        });
      });
    }
  }

  stop(containerId: string): void {
    for (const l of this.listeners.get(containerId) ?? []) l.close();
    this.listeners.delete(containerId);
  }
}

function relay(client: Socket, host: string, port: number): void {
  const upstream = connect({ host, port });
  const done = (): void => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', done);
  upstream.on('error', done);
  client.pipe(upstream);
  upstream.pipe(client);
}

async function udpRelay(p: PortMapping, target: string, onError: (err: Error) => void): Promise<{ close(): void }> {
  const sock = createSocket({ type: 'udp6', ipv6Only: true });
  const clients = new Map<string, { up: UdpSocket; timer: NodeJS.Timeout }>();
  const drop = (key: string): void => {
    const c = clients.get(key);
    if (c === undefined) return;
    clearTimeout(c.timer);
    c.up.close();
    clients.delete(key);
  };
  sock.on('error', onError);
  sock.on('message', (msg, from) => {
    const key = `${from.address}|${from.port}`;
    let c = clients.get(key);
    if (c === undefined) {
      const up = createSocket(isIPv6(target) ? 'udp6' : 'udp4');
      up.on('message', (reply) => sock.send(reply, from.port, from.address));
      up.on('error', (err) => {
        onError(err);
        drop(key);
      });
      c = { up, timer: setTimeout(() => drop(key), UDP_IDLE_MS) };
      clients.set(key, c);
    }
    c.timer.refresh();
    c.up.send(msg, p.containerPort, target);
  });
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(p.hostPort, '::1', () => {
      sock.off('error', reject);
      resolve();
    });
  });
  return {
    close: () => {
      for (const key of [...clients.keys()]) drop(key);
      sock.close();
    },
  };
}
