// The daemon the CLI talks to (docker's context/endpoint): -H and the environment, client TLS, the
// one Engine API client, and stdout. Below the commands; imports only the client.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { EngineClient } from '../../client/engine.js';
import { parseHost, type ClientTls } from '../../client/transport.js';

export const DEFAULT_HOST = 'unix:///run/berth.sock';

/** The global connection flags, as docker's: `-H`, `--tls`, `--tlsverify`, `--tlscacert`, `--tlscert`, `--tlskey`. */
export interface ConnectionFlags {
  host?: string;
  tls?: boolean;
  tlsverify?: boolean;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
}

/** Where the CLI talks to: -H, then BERTH_HOST, then DOCKER_HOST (a drop-in honours it), then the default socket. */
export function resolveHost(flag: string | undefined): string {
  return flag ?? process.env.BERTH_HOST ?? process.env.DOCKER_HOST ?? DEFAULT_HOST;
}

/**
 * docker's client TLS: on with `--tls`, `--tlsverify`, `DOCKER_TLS` or `DOCKER_TLS_VERIFY`; files
 * from the flags or `$DOCKER_CERT_PATH` (default ~/.docker) `ca.pem`, `cert.pem`, `key.pem`. A
 * default client cert that does not exist is simply not sent; a named one must exist.
 */
export function resolveTls(f: ConnectionFlags): ClientTls | undefined {
  const verify = f.tlsverify ?? !!process.env.DOCKER_TLS_VERIFY;
  if (!verify && !(f.tls ?? !!process.env.DOCKER_TLS)) return undefined;
  const dir = process.env.DOCKER_CERT_PATH || join(homedir(), '.docker');
  const file = (flag: string | undefined, name: string): Buffer | undefined => {
    if (flag === undefined && !existsSync(join(dir, name))) return undefined;
    const path = flag ?? join(dir, name);
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Error(`could not read TLS file ${path}: ${(err as Error).message}`);
    }
  };
  return { verify, ca: verify ? file(f.tlscacert, 'ca.pem') : undefined, cert: file(f.tlscert, 'cert.pem'), key: file(f.tlskey, 'key.pem') };
}

let client: EngineClient | undefined;
let flags: ConnectionFlags = {};

export function setConnection(f: ConnectionFlags): void {
  flags = f;
}

/** The Engine API client, created on first use (so `--help` never touches the socket). */
export function engine(): EngineClient {
  client ??= new EngineClient(parseHost(resolveHost(flags.host), resolveTls(flags)));
  return client;
}

export function out(s: string): void {
  process.stdout.write(s);
}
