import { ServerCredentials } from '@grpc/grpc-js';
import { chmod, chown, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createCriServer } from '../cri/server.js';
import type { CriDeps } from '../cri/deps.js';
import { mkdirp } from '../lib/atomic-file.js';
import { unavailable } from '../lib/errdefs.js';
import type { ApiAccess } from './api-access.js';
import { socketInUse, socketOwner } from './listen.js';

/** The CRI socket's path: `cri-socket` (unix:///path or /path), by default `<exec-root>/cri.sock` (/run/berth/cri.sock). */
export function criSocketPath(setting: string, execRoot: string): string {
  return setting === '' ? join(execRoot, 'cri.sock') : setting.replace(/^unix:\/\//, '');
}

/**
 * Serves the CRI on its unix socket, `0660 root:<group>` like the API socket (the same group);
 * a stale socket from a crashed daemon is replaced, one another daemon answers on is refused.
 * `close` stops the server (calls still running after `graceMs` are cancelled) and removes the socket.
 */
export async function serveCri(path: string, deps: CriDeps, access: ApiAccess): Promise<{ address: string; close(graceMs: number): Promise<void> }> {
  if (await socketInUse(path)) throw unavailable(`another daemon is already listening on ${path}`);
  const gid = await socketOwner(access, path, deps.log);
  const server = createCriServer(deps);
  await mkdirp(dirname(path));
  await rm(path, { force: true });
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix://${path}`, ServerCredentials.createInsecure(), (err) => (err === null ? resolve() : reject(err))),
  );
  await chown(path, 0, gid);
  await chmod(path, 0o660);
  return {
    address: `unix://${path}`,
    async close(graceMs) {
      const force = setTimeout(() => server.forceShutdown(), graceMs);
      await new Promise<void>((r) => server.tryShutdown(() => r()));
      clearTimeout(force);
      await rm(path, { force: true });
    },
  };
}
