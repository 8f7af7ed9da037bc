import { connect } from 'node:net';
import { chmod, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Server } from 'node:http';
import { invalidArgument, unavailable } from '../core/errdefs.js';
import { mkdirp } from '../lib/atomic-file.js';

/** One listening server: what it serves on, and how to let go of it at shutdown. */
export interface Listener {
  server: Server;
  address: string;
  /** Removes what the listener left on disk (the socket file); nothing for fd:// sockets. */
  cleanup(): Promise<void>;
}

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

function serve(server: Server, target: string | { fd: number }): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(target, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Listens on `unix:///path`; a stale socket file from a crashed daemon is replaced. */
async function listenUnix(server: Server, path: string): Promise<Listener> {
  if (await socketInUse(path)) throw unavailable(`another daemon is already listening on ${path}`);
  await mkdirp(dirname(path));
  await rm(path, { force: true });
  await serve(server, path);
  await chmod(path, 0o660);
  return { server, address: `unix://${path}`, cleanup: () => rm(path, { force: true }) };
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
async function listenFds(makeServer: () => Server, spec: string): Promise<Listener[]> {
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

/** Refuses addresses that cannot work, before the daemon opens anything (fd:// without passed sockets). */
export function checkListenAddresses(hosts: string[]): void {
  for (const host of hosts) {
    if (/^fd:\/\//.test(host) && activationFds().length === 0) {
      throw invalidArgument('no sockets found via socket activation: make sure the service was started by systemd');
    }
  }
}

/** Starts one server per listen address (`unix:///path`, `/path`, `fd://`, `fd://N`). */
export async function listenAll(hosts: string[], makeServer: () => Server): Promise<Listener[]> {
  const out: Listener[] = [];
  for (const host of hosts) {
    const fd = /^fd:\/\/(\d*)$/.exec(host);
    if (fd !== null) {
      out.push(...(await listenFds(makeServer, fd[1]!)));
      continue;
    }
    const m = /^unix:\/\/(\/.+)$/.exec(host) ?? /^(\/.+)$/.exec(host);
    if (m === null) throw invalidArgument(`unsupported listen address ${host}: only unix:///path and fd:// are supported`);
    out.push(await listenUnix(makeServer(), m[1]!));
  }
  return out;
}
