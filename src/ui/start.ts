import type { Server } from 'node:http';
import { join } from 'node:path';
import { invalidArgument } from '../lib/errdefs.js';
import { writeFileAtomic } from '../lib/atomic-file.js';
import { formatTcpAddress, isLoopback, parseTcpAddress, type TcpAddress } from '../lib/tcp-address.js';

/** Parses a `host:port` to listen on; a non-loopback host needs `allowRemote` (the UI's --ui-allow-remote). */
export function listenAddress(s: string, what: string, allowRemote: boolean): TcpAddress {
  let a: TcpAddress;
  try {
    a = parseTcpAddress(s);
  } catch (err) {
    throw invalidArgument(`${what}: ${(err as Error).message}`);
  }
  if (!allowRemote && !isLoopback(a.host))
    throw invalidArgument(`${what}: refusing to listen on non-loopback address ${s} (use --ui-allow-remote to allow it)`);
  return a;
}

/** Listens on a TCP address; resolves with the address actually bound (port 0 → the port chosen). */
export function listenTcp(server: Server, a: TcpAddress): Promise<TcpAddress> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(a.port, a.host, () => {
      server.off('error', reject);
      const bound = server.address();
      resolve({ host: a.host, port: typeof bound === 'object' && bound !== null ? bound.port : a.port });
    });
  });
}

/**
 * Writes the token for its readers (root only: 0600) and returns the dashboard's address. The token
 * stays out of the address: berthd logs it, and logs are read by more people than root.
 */
export async function publishToken(execRoot: string, bound: TcpAddress, token: string, https = false): Promise<string> {
  await writeFileAtomic(join(execRoot, 'ui-token'), `${token}\n`, 0o600);
  return `${https ? 'https' : 'http'}://${formatTcpAddress(bound)}/`;
}
