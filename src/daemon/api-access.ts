import { homedir } from 'node:os';
import { join } from 'node:path';
import { invalidArgument } from '../core/errdefs.js';

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

/** daemon.json keys (Docker's names). */
export interface ApiAccessJson {
  group?: string;
  tls?: boolean;
  tlsverify?: boolean;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
}

/** parseArgs options; `--tls`/`--tlsverify` are Go booleans (`--tls=false`) and taken out first by takeBoolFlags. */
export const API_ACCESS_OPTIONS = {
  group: { type: 'string', short: 'G' },
  tlscacert: { type: 'string' },
  tlscert: { type: 'string' },
  tlskey: { type: 'string' },
} as const;

export const API_ACCESS_USAGE = `  -G, --group string        Group for the unix socket (default "berth")
      --tls                 Use TLS; implied by --tlsverify
      --tlscacert string    Trust certs signed only by this CA (default "~/.docker/ca.pem")
      --tlscert string      Path to TLS certificate file (default "~/.docker/cert.pem")
      --tlskey string       Path to TLS key file (default "~/.docker/key.pem")
      --tlsverify           Use TLS and verify the remote
`;

const BOOL_FLAGS = ['tls', 'tlsverify'] as const;
type BoolFlag = (typeof BOOL_FLAGS)[number];

/** Takes Go-style boolean flags (`--tls`, `--tls=false`, `--tlsverify=0`) out of argv. */
export function takeBoolFlags(argv: string[]): { rest: string[]; bools: Partial<Record<BoolFlag, boolean>> } {
  const rest: string[] = [];
  const bools: Partial<Record<BoolFlag, boolean>> = {};
  for (const arg of argv) {
    const m = /^--?(tls|tlsverify)(?:=(.*))?$/.exec(arg);
    if (m === null) {
      rest.push(arg);
      continue;
    }
    const v = m[2];
    if (v !== undefined && !['true', 'false', '1', '0', 't', 'f', 'TRUE', 'FALSE', 'True', 'False'].includes(v)) {
      throw invalidArgument(`invalid boolean value "${v}" for -${m[1]}: parse error`);
    }
    bools[m[1] as BoolFlag] = v === undefined || ['true', '1', 't', 'TRUE', 'True'].includes(v);
  }
  return { rest, bools };
}

/** Flags over daemon.json over Docker's defaults (`$DOCKER_CERT_PATH` or `~/.docker`). */
export function resolveApiAccess(
  flags: { group?: string; tlscacert?: string; tlscert?: string; tlskey?: string },
  bools: Partial<Record<BoolFlag, boolean>>,
  json: ApiAccessJson,
): ApiAccess {
  const certDir = process.env.DOCKER_CERT_PATH || join(homedir(), '.docker');
  const group = flags.group ?? json.group;
  return {
    group: group ?? DEFAULT_SOCKET_GROUP,
    defaultGroup: group === undefined,
    tls: bools.tls ?? json.tls,
    tlsVerify: bools.tlsverify ?? json.tlsverify,
    ca: flags.tlscacert ?? json.tlscacert ?? join(certDir, 'ca.pem'),
    cert: flags.tlscert ?? json.tlscert ?? join(certDir, 'cert.pem'),
    key: flags.tlskey ?? json.tlskey ?? join(certDir, 'key.pem'),
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
