import { createServer, isIPv6 } from 'node:net';
import { createSocket } from 'node:dgram';
import type { ContainerRecord } from '../../core/containers.js';
import type { PortMapping } from '../../core/network.js';
import { BerthError } from '../../lib/errdefs.js';

type Proto = PortMapping['protocol'];

/** Binds (and releases) ip:port to learn whether the host can give it; port 0 asks the kernel for a free one. */
function probe(ip: string, port: number, proto: Proto): Promise<number | undefined> {
  return new Promise((resolve) => {
    const host = ip || '0.0.0.0';
    if (proto === 'udp') {
      const s = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
      s.once('error', () => resolve(undefined));
      s.bind(port, host, () => {
        const p = s.address().port;
        s.close(() => resolve(p));
      });
      return;
    }
    const srv = createServer();
    srv.once('error', () => resolve(undefined));
    srv.listen({ port, host, exclusive: true }, () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
}

const allocated = (m: PortMapping): string => `${m.protocol}/${m.hostPort}`;

/**
 * Concrete host ports for a container's PortBindings (and, with -P, every exposed port):
 * empty → a free port from the kernel, `a-b` → the first free one of the range, `n` → n, which
 * must be free among berth's running containers, on the host (a bind probe) and in the host's
 * DNAT rules (`held`: a port another engine publishes has no socket a probe would meet).
 * Docker's error otherwise.
 */
export async function allocatePorts(rec: ContainerRecord, others: ContainerRecord[], held: () => Promise<Set<string>>): Promise<PortMapping[]> {
  const bindings: Record<string, Array<{ HostIp?: string; HostPort?: string }>> = { ...(rec.HostConfig.PortBindings ?? {}) };
  if (rec.HostConfig.PublishAllPorts) {
    for (const p of Object.keys(rec.Config.ExposedPorts ?? {})) bindings[p] ??= [{ HostIp: '', HostPort: '' }];
  }
  if (Object.values(bindings).every((list) => (list ?? []).length === 0)) return [];
  const taken = new Set([...others.flatMap((c) => (c.NetworkSettings?.Ports ?? []).map(allocated)), ...(await held())]);
  const out: PortMapping[] = [];
  for (const [key, list] of Object.entries(bindings)) {
    const [port, proto = 'tcp'] = key.split('/');
    for (const b of list ?? []) {
      const hostIp = b.HostIp || '0.0.0.0';
      const m: PortMapping = { hostIp, hostPort: 0, containerPort: Number(port), protocol: proto as Proto };
      const [lo, hi] = (b.HostPort || '0').split('-').map(Number) as [number, number | undefined];
      const free = (p: number): boolean => !taken.has(`${proto}/${p}`) && !out.some((o) => allocated(o) === `${proto}/${p}`);
      for (let p = lo; p <= (hi ?? lo); p++) {
        if (p !== 0 && !free(p)) continue;
        // Port 0: the kernel's pick, asked again (a few times) while it names a held port.
        let got = await probe(hostIp === '0.0.0.0' ? '' : hostIp, p, m.protocol);
        for (let again = 0; p === 0 && got !== undefined && !free(got) && again < 16; again++)
          got = await probe(hostIp === '0.0.0.0' ? '' : hostIp, 0, m.protocol);
        if (got !== undefined && free(got)) {
          m.hostPort = got;
          break;
        }
      }
      if (m.hostPort === 0) {
        const what = hi === undefined ? `${hostIp}:${lo}` : `${hostIp}:${lo}-${hi}`;
        throw new BerthError(
          'Internal',
          `driver failed programming external connectivity on endpoint ${rec.Name} (${rec.Id.slice(0, 12)}): Bind for ${what} failed: port is already allocated`,
        );
      }
      out.push(m);
    }
  }
  return out;
}
