import { connect, createServer, type Server, type Socket } from 'node:net';
import type { PortMapping } from '../../core/network.js';

/**
 * Published ports on the IPv6 loopback (`-p [::1]:8080:80`): no DNAT can reach a container from
 * ::1 (the kernel drops packets from ::1 on a bridge; IPv6 has no `route_localnet`), so, as
 * dockerd's docker-proxy, a listener on [::1]:port relays each TCP connection to the container's
 * address. It lives in berthd: after a restart `resume` listens again for running containers.
 */
export class LoopbackProxies {
  private readonly servers = new Map<string, Server[]>();

  constructor(private readonly log: (msg: string) => void) {}

  /** Listens on [::1]:hostPort for every TCP mapping (others are refused: UDP is not relayed). */
  async start(containerId: string, ports: PortMapping[], target: string): Promise<void> {
    this.stop(containerId);
    const list: Server[] = [];
    this.servers.set(containerId, list);
    for (const p of ports) {
      if (p.protocol !== 'tcp') throw new Error(`publishing ${p.protocol} ports on [::1] is not supported by berth`);
      const srv = createServer((client) => relay(client, target, p.containerPort));
      srv.on('error', (err) => this.log(`proxy [::1]:${p.hostPort}: ${err.message}`));
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
    for (const srv of this.servers.get(containerId) ?? []) srv.close();
    this.servers.delete(containerId);
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
