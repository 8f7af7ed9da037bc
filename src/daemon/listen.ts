import { connect } from 'node:net';
import { chmod, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Server } from 'node:http';
import { invalidArgument, unavailable } from '../core/errdefs.js';
import { mkdirp } from '../lib/atomic-file.js';

/** True when something answers on the unix socket (another daemon owns it). */
function socketInUse(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Listens on `unix:///path`; a stale socket file from a crashed daemon is replaced. */
export async function listen(server: Server, host: string): Promise<string> {
  const m = /^unix:\/\/(\/.+)$/.exec(host) ?? /^(\/.+)$/.exec(host);
  if (m === null) throw invalidArgument(`unsupported listen address ${host}: only unix:///path is supported so far`);
  const path = m[1]!;
  if (await socketInUse(path)) throw unavailable(`another daemon is already listening on ${path}`);
  await mkdirp(dirname(path));
  await rm(path, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await chmod(path, 0o660);
  return path;
}
