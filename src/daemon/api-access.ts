import { homedir } from 'node:os';
import { join } from 'node:path';
import { invalidArgument } from '../lib/errdefs.js';

/**
 * Who may reach the API: the unix socket's group (`-G/--group`, dockerd's `docker` group is our
 * `berth`) and the TCP listeners' TLS (`--tls`, `--tlsverify`, `--tlscacert/--tlscert/--tlskey`).
 * `tls`/`tlsverify` stay undefined unless given: like dockerd, a TCP listener without client
 * verification is refused unless TLS was switched off (or verification waived) explicitly.
 */
export interface ApiAccess {
  group: string;
  /** The group was not chosen by the user: a missing one is a warning, not an error (dockerd's rule). */
  defaultGroup: boolean;
  tls?: boolean;
  tlsVerify?: boolean;
  ca: string;
  cert: string;
  key: string;
}

export const DEFAULT_SOCKET_GROUP = 'berth';

/** The options that decide it (daemon.json keys = flags, as Docker's). */
export interface ApiAccessSettings {
  group: string;
  tls: boolean | undefined;
  tlsverify: boolean | undefined;
  tlscacert: string;
  tlscert: string;
  tlskey: string;
}

/** Settings over Docker's defaults: the `berth` group, certs from `$DOCKER_CERT_PATH` or `~/.docker`. */
export function apiAccess(s: ApiAccessSettings): ApiAccess {
  const certDir = process.env.DOCKER_CERT_PATH || join(homedir(), '.docker');
  return {
    group: s.group || DEFAULT_SOCKET_GROUP,
    defaultGroup: s.group === '',
    tls: s.tls,
    tlsVerify: s.tlsverify,
    ca: s.tlscacert || join(certDir, 'ca.pem'),
    cert: s.tlscert || join(certDir, 'cert.pem'),
    key: s.tlskey || join(certDir, 'key.pem'),
  };
}

/**
 * How a TCP listener may run: mutual TLS (`--tlsverify`), TLS without client verification, or
 * plain HTTP — the last two only when asked for explicitly (`--tlsverify=false`, `--tls=false`),
 * which dockerd ≥ 27 also requires. Anything else is refused at start.
 */
export function tcpMode(access: ApiAccess, host: string): 'mutual-tls' | 'tls' | 'plain' {
  if (access.tlsVerify === true) return 'mutual-tls';
  if (access.tls === false) return 'plain';
  if (access.tlsVerify === false) return 'tls';
  throw invalidArgument(
    `refusing to listen on ${host}: binding to an IP address without --tlsverify is insecure and gives root access on this machine ` +
      `to everyone who has access to your network. Use --tlsverify with --tlscacert, --tlscert and --tlskey, ` +
      `or explicitly specify '--tls=false' or '--tlsverify=false' to run without authentication`,
  );
}
