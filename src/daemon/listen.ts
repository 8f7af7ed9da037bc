import { connect } from 'node:net';
import { chmod, chown, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Server } from 'node:net';
import type { ApiServerOptions } from '../api/server.js';
import { invalidArgument, unavailable } from '../core/errdefs.js';
import { mkdirp } from '../lib/atomic-file.js';
import { run } from '../lib/exec.js';
import { tcpMode, type ApiAccess } from './api-access.js';

/** One API listener: where it listens, and how to stop it (removing a unix socket file). */
export interface Listener {
  address: string;
  close(): Promise<void>;
}

export type ServerFactory = (tls?: ApiServerOptions['tls']) => Server;

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

function serve(server: Server, ...args: [string] | [number, string]): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(...(args as [string]), () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The group's id: a number as is, a name through NSS (`getent`, so LDAP groups work too); undefined when missing. */
export async function lookupGroup(group: string): Promise<number | undefined> {
  if (/^\d+$/.test(group)) return Number(group);
  const r = await run('getent', ['group', group]).catch(() => undefined);
  const gid = r === undefined ? NaN : Number(r.stdout.split(':')[2]);
  if (Number.isInteger(gid)) return gid;
  // No getent (minimal images): /etc/group.
  const line = (await readFile('/etc/group', 'utf8').catch(() => '')).split('\n').find((l) => l.startsWith(`${group}:`));
  return line === undefined ? undefined : Number(line.split(':')[2]);
}

/**
 * The unix socket is `0660 root:<group>`. A missing default group (set-up creates `berth`) leaves
 * it root:root with a warning, as dockerd does for `docker`; a missing group named by the user is an error.
 */
async function socketOwner(access: ApiAccess, path: string, log: (msg: string) => void): Promise<number> {
  const gid = await lookupGroup(access.group);
  if (gid !== undefined) return gid;
  if (!access.defaultGroup) throw invalidArgument(`can't create unix socket ${path}: group ${access.group} not found`);
  log(`WARNING: could not change group ${path} to ${access.group}: group ${access.group} not found; the socket stays root:root 0660`);
  return 0;
}

async function listenUnix(server: Server, path: string, access: ApiAccess, log: (msg: string) => void): Promise<Listener> {
  if (await socketInUse(path)) throw unavailable(`another daemon is already listening on ${path}`);
  const gid = await socketOwner(access, path, log);
  await mkdirp(dirname(path));
  await rm(path, { force: true });
  await serve(server, path);
  await chown(path, 0, gid);
  await chmod(path, 0o660);
  return { address: `unix://${path}`, close: () => closeServer(server).then(() => rm(path, { force: true })) };
}

/** `tcp://host:port`, `tcp://:port` (127.0.0.1) or `tcp://host` (2376 with TLS, 2375 without, as Docker). */
export function parseTcpAddress(host: string, tls: boolean): { hostname: string; port: number } {
  const u = /^tcp:\/\/(\[[^\]]+\]|[^:/]*)(?::(\d+))?\/?$/.exec(host);
  if (u === null) throw invalidArgument(`invalid bind address format: ${host}`);
  const port = u[2] === undefined ? (tls ? 2376 : 2375) : Number(u[2]);
  if (port < 1 || port > 65535) throw invalidArgument(`invalid bind address format: ${host}: port out of range`);
  return { hostname: u[1]!.replace(/^\[|\]$/g, '') || '127.0.0.1', port };
}

async function listenTcp(makeServer: ServerFactory, host: string, access: ApiAccess, log: (msg: string) => void): Promise<Listener> {
  const mode = tcpMode(access, host);
  if (mode !== 'mutual-tls') {
    log(`WARNING: binding to ${host} without --tlsverify is insecure and gives root access on this machine to everyone who has access to your network`);
    log(`WARNING: binding to an IP address, even on localhost, can also give access to scripts run in a browser. Be safe out there!`);
  }
  const { hostname, port } = parseTcpAddress(host, mode !== 'plain');
  const tls =
    mode === 'plain'
      ? undefined
      : {
          cert: await readPem(access.cert, 'tlscert'),
          key: await readPem(access.key, 'tlskey'),
          ...(mode === 'mutual-tls' ? { ca: await readPem(access.ca, 'tlscacert'), requestCert: true, rejectUnauthorized: true } : {}),
        };
  const server = makeServer(tls);
  await serve(server, port, hostname);
  return { address: `${mode === 'plain' ? 'tcp' : 'tcp+tls'}://${hostname}:${port}`, close: () => closeServer(server) };
}

async function readPem(path: string, flag: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw invalidArgument(`could not load --${flag} ${path}: ${(err as Error).message}`);
  }
}

/** Stops accepting; open connections (event streams, attaches) end with the process. */
function closeServer(server: Server): Promise<void> {
  server.close();
  return Promise.resolve();
}

/** Listens on `unix:///path` (a stale socket from a crashed daemon is replaced) or `tcp://host:port` (TLS rules above). */
export async function listen(makeServer: ServerFactory, host: string, access: ApiAccess, log: (msg: string) => void): Promise<Listener> {
  if (host.startsWith('tcp://')) return listenTcp(makeServer, host, access, log);
  const m = /^unix:\/\/(\/.+)$/.exec(host) ?? /^(\/.+)$/.exec(host);
  if (m === null) throw invalidArgument(`unsupported listen address ${host}: use unix:///path or tcp://host:port`);
  return listenUnix(makeServer(), m[1]!, access, log);
}
