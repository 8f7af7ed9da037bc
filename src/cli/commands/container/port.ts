import type { Command } from 'commander';
import { engine, out } from '../../endpoint/context.js';
import { StatusError } from '../../exit/errors.js';

/** `port CONTAINER [PRIVATE_PORT[/PROTO]]`: the published mappings, docker's format. */
export function portCommand(parent: Command): void {
  parent
    .command('port')
    .description('List port mappings or a specific mapping for the container')
    .argument('<container>')
    .argument('[port]')
    .action(async (name: string, port: string | undefined) => {
      const c = await engine().containerInspect(name);
      const ports = (c.NetworkSettings.Ports ?? {}) as Record<string, Array<{ HostIp: string; HostPort: string }> | null>;
      if (port !== undefined) {
        const key = port.includes('/') ? port : `${port}/tcp`;
        const list = ports[key];
        if (!list?.length) throw new StatusError(1, `Error: No public port '${key}' published for ${name}`);
        out(list.map((b) => `${hostPort(b)}\n`).join(''));
        return;
      }
      const lines: string[] = [];
      for (const [key, list] of Object.entries(ports).sort(([a], [b]) => parseInt(a, 10) - parseInt(b, 10))) {
        for (const b of list ?? []) lines.push(`${key} -> ${hostPort(b)}\n`);
      }
      out(lines.join(''));
    });
}

/** Go's net.JoinHostPort, as the docker CLI prints a binding: an IPv6 host in brackets. */
const hostPort = (b: { HostIp: string; HostPort: string }): string => (b.HostIp.includes(':') ? `[${b.HostIp}]:${b.HostPort}` : `${b.HostIp}:${b.HostPort}`);
