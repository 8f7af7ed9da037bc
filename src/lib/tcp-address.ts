import { isIP } from 'node:net';

export interface TcpAddress {
  host: string;
  port: number;
}

/** `127.0.0.1:9600`, `[::1]:9600`, `localhost:9600` (port 0: any free port). */
export function parseTcpAddress(s: string): TcpAddress {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(s.trim());
  const port = Number(m?.[3]);
  if (m === null || port > 65535) throw new Error(`invalid address ${JSON.stringify(s)}: want host:port`);
  return { host: m[1] ?? m[2]!, port };
}

/** Loopback hosts: 127.0.0.0/8, ::1 (and its v4-mapped form) and `localhost`. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || /^::ffff:127\./i.test(host);
  return false;
}

/** Formats an address for a URL (IPv6 in brackets). */
export function formatTcpAddress(a: TcpAddress): string {
  return isIP(a.host) === 6 ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}
