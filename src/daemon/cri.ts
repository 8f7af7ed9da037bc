import { chmod, chown, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import type { CriConnections } from '../cri/server.js';
import type { CriDeps } from '../cri/deps.js';
import { mkdirp } from '../lib/atomic-file.js';
import { unavailable } from '../lib/errdefs.js';
import type { ApiAccess } from './api-access.js';
import { serve, socketInUse, socketOwner } from './listen.js';

/** The CRI socket's path: `cri-socket` (unix:///path or /path), by default `<exec-root>/cri.sock` (/run/berth/cri.sock). */
export function criSocketPath(setting: string, execRoot: string): string {
  return setting === '' ? join(execRoot, 'cri.sock') : setting.replace(/^unix:\/\//, '');
}

/**
 * Serves the CRI on its unix socket, `0660 root:<group>` like the API socket (the same group);
 * a stale socket from a crashed daemon is replaced, one another daemon answers on is refused.
 * The socket is a plain listener: gRPC and the CRI's protos load on the first connection (a
 * berthd no kubelet talks to never pays for them), which is handed to the CRI server.
 * `close` stops listening, ends the connections (calls still running after `graceMs` are
 * cancelled) and removes the socket.
 */
export async function serveCri(path: string, deps: CriDeps, access: ApiAccess): Promise<{ address: string; close(graceMs: number): Promise<void> }> {
  if (await socketInUse(path)) throw unavailable(`another daemon is already listening on ${path}`);
  const gid = await socketOwner(access, path, deps.log);
  let cri: Promise<CriConnections> | undefined;
  const accept = (socket: Socket): void => {
    cri ??= import('../cri/server.js').then((m) => m.criConnections(deps));
    cri.then(
      (c) => c.serve(socket),
      (err: Error) => {
        deps.log(`cri: cannot serve: ${err.message}`);
        socket.destroy();
      },
    );
  };
  const server: Server = createServer(accept);
  await mkdirp(dirname(path));
  await rm(path, { force: true });
  await serve(server, path);
  await chown(path, 0, gid);
  await chmod(path, 0o660);
  return {
    address: `unix://${path}`,
    async close(graceMs) {
      const closed = new Promise<void>((r) => server.close(() => r()));
      await cri?.then(
        (c) => c.close(graceMs),
        () => undefined,
      );
      await closed;
      await rm(path, { force: true });
    },
  };
}
