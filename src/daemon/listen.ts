import { connect, type Server as NetServer } from 'node:net';
import { chmod, chown, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ApiHttpServer, ApiServerOptions } from '../api/server.js';
import { invalidArgument, unavailable } from '../lib/errdefs.js';
import { mkdirp } from '../lib/atomic-file.js';
import { run } from '../lib/exec.js';
import { tcpMode, type ApiAccess } from './api-access.js';

/** One listening server: what it serves on, and how to let go of it at shutdown. */
export interface Listener {
  server: ApiHttpServer;
  address: string;
  /** Removes what the listener left on disk (the socket file); nothing for fd:// and tcp:// sockets. */
  cleanup(): Promise<void>;
}

/** Makes one API server; with `tls`, an HTTPS one. */
export type ServerFactory = (tls?: ApiServerOptions['tls']) => ApiHttpServer;

/** True when something answers on the unix socket (another daemon owns it). */
export function socketInUse(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Listens on `target`; a listen error (EADDRINUSE, EACCES) rejects. */
export function serve(server: NetServer, target: string | { fd: number } | { port: number; host: string }): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(target, () => {
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
export async function socketOwner(access: ApiAccess, path: string, log: (msg: string) => void): Promise<number> {
  const gid = await lookupGroup(access.group);
  if (gid !== undefined) return gid;
  if (!access.defaultGroup) throw invalidArgument(`can't create unix socket ${path}: group ${access.group} not found`);
  log(`WARNING: could not change group ${path} to ${access.group}: group ${access.group} not found; the socket stays root:root 0660`);
  return 0;
}

/** Listens on `unix:///path`; a stale socket file from a crashed daemon is replaced. */
async function listenUnix(server: ApiHttpServer, path: string, access: ApiAccess, log: (msg: string) => void): Promise<Listener> {
  if (await socketInUse(path)) throw unavailable(`another daemon is already listening on ${path}`);
  const gid = await socketOwner(access, path, log);
  await mkdirp(dirname(path));
  await rm(path, { force: true });
  await serve(server, path);
  await chown(path, 0, gid);
  await chmod(path, 0o660);
  return { server, address: `unix://${path}`, cleanup: () => rm(path, { force: true }) };
}

/** `tcp://host:port`, `tcp://:port` (127.0.0.1) or `tcp://host` (2376 with TLS, 2375 without, as Docker). */
export function parseTcpAddress(host: string, tls: boolean): { hostname: string; port: number } {
  const u = /^tcp:\/\/(\[[^\]]+\]|[^:/]*)(?::(\d+))?\/?$/.exec(host);
  if (u === null) throw invalidArgument(`invalid bind address format: ${host}`);
  const port = u[2] === undefined ? (tls ? 2376 : 2375) : Number(u[2]);
  if (port < 1 || port > 65535) throw invalidArgument(`invalid bind address format: ${host}: port out of range`);
  return { hostname: u[1]!.replace(/^\[|\]$/g, '') || '127.0.0.1', port };
}

/** A PEM file named by a TLS flag; a missing one is the flag's error. */
export async function readPem(path: string, flag: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw invalidArgument(`could not load --${flag} ${path}: ${(err as Error).message}`);
  }
}

/** `tcp://…`: mutual TLS, or — only when asked for explicitly — TLS without client certs or plain HTTP (loud warnings). */
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
  await serve(server, { port, host: hostname });
  return { server, address: `${mode === 'plain' ? 'tcp' : 'tcp+tls'}://${hostname}:${port}`, cleanup: async () => undefined };
}

/**
 * The sockets systemd passed (socket activation): fds 3 … 3+LISTEN_FDS-1, meant for this
 * process when LISTEN_PID is ours. Read once: the variables are removed, as go-systemd does,
 * so children never see them.
 */
let activated: number[] | undefined;
function activationFds(): number[] {
  if (activated === undefined) {
    const n = Number(process.env.LISTEN_FDS ?? 0);
    const forUs = process.env.LISTEN_PID === undefined || Number(process.env.LISTEN_PID) === process.pid;
    activated = forUs && Number.isInteger(n) && n > 0 ? Array.from({ length: n }, (_, i) => 3 + i) : [];
    delete process.env.LISTEN_FDS;
    delete process.env.LISTEN_PID;
    delete process.env.LISTEN_FDNAMES;
  }
  return activated;
}

/** `fd://` serves on every activated socket, `fd://N` on that one (dockerd's `-H fd://`). */
async function listenFds(makeServer: ServerFactory, spec: string): Promise<Listener[]> {
  const fds = activationFds();
  if (fds.length === 0) throw invalidArgument('no sockets found via socket activation: make sure the service was started by systemd');
  const wanted = spec === '' ? fds : [Number(spec)];
  if (!wanted.every((fd) => fds.includes(fd))) throw invalidArgument(`too few socket activated files passed in by systemd: no fd ${spec}`);
  const out: Listener[] = [];
  for (const fd of wanted) {
    const server = makeServer();
    await serve(server, { fd });
    out.push({ server, address: `fd://${fd}`, cleanup: async () => undefined });
  }
  return out;
}

/**
 * Refuses addresses that cannot work, before the daemon opens anything: fd:// without passed
 * sockets, malformed tcp:// addresses and TCP without TLS unless that was asked for explicitly.
 */
export function checkListenAddresses(hosts: string[], access: ApiAccess): void {
  for (const host of hosts) {
    if (/^fd:\/\//.test(host) && activationFds().length === 0) {
      throw invalidArgument('no sockets found via socket activation: make sure the service was started by systemd');
    }
    if (host.startsWith('tcp://')) parseTcpAddress(host, tcpMode(access, host) !== 'plain');
  }
}

/** Starts one server per listen address (`unix:///path`, `/path`, `fd://`, `fd://N`, `tcp://host:port`). */
export async function listenAll(hosts: string[], makeServer: ServerFactory, access: ApiAccess, log: (msg: string) => void): Promise<Listener[]> {
  const out: Listener[] = [];
  for (const host of hosts) {
    const fd = /^fd:\/\/(\d*)$/.exec(host);
    if (fd !== null) {
      out.push(...(await listenFds(makeServer, fd[1]!)));
      continue;
    }
    if (host.startsWith('tcp://')) {
      out.push(await listenTcp(makeServer, host, access, log));
      continue;
    }
    const m = /^unix:\/\/(\/.+)$/.exec(host) ?? /^(\/.+)$/.exec(host);
    if (m === null) throw invalidArgument(`unsupported listen address ${host}: use unix:///path, tcp://host:port or fd://`);
    out.push(await listenUnix(makeServer(), m[1]!, access, log));
  }
  return out;
}
