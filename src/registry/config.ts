import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno } from '../lib/errdefs.js';
import { DEFAULT_DOMAIN } from '../lib/reference.js';

/** How the daemon reaches registries (daemon.json `insecure-registries`, `registry-mirrors`, certs.d). */
export interface RegistryConfig {
  /** Hosts (`host:port`) or CIDRs spoken to over plain HTTP (or HTTPS without verification). */
  insecure: string[];
  /** Mirror base URLs tried, in order, before Docker Hub for `docker.io` pulls. */
  mirrors: string[];
  /** `<certsDir>/<host>/ca.crt` adds a CA for that host (Docker's certs.d). */
  certsDir: string;
  /** Idle timeout of every registry request. */
  timeoutMs: number;
  /** Pushes upload blobs larger than this in PATCH chunks of this size. */
  chunkSize: number;
}

export interface Endpoint {
  base: URL;
  /** TLS with certificate verification off (an insecure registry that speaks https). */
  insecure: boolean;
  mirror: boolean;
}

/** The endpoints for a reference's domain, in the order to try them. */
export function endpointsFor(cfg: RegistryConfig, domain: string): Endpoint[] {
  if (domain === DEFAULT_DOMAIN) {
    return [
      ...cfg.mirrors.map((m) => ({ base: new URL(m.endsWith('/') ? m : `${m}/`), insecure: false, mirror: true })),
      { base: new URL('https://registry-1.docker.io/'), insecure: false, mirror: false },
    ];
  }
  if (isInsecure(cfg, domain)) return [{ base: new URL(`http://${domain}/`), insecure: true, mirror: false }];
  return [{ base: new URL(`https://${domain}/`), insecure: false, mirror: false }];
}

export function isInsecure(cfg: RegistryConfig, domain: string): boolean {
  const host = domain.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return cfg.insecure.some((entry) => entry === domain || entry === host || inCidr(host, entry));
}

function inCidr(ip: string, cidr: string): boolean {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  const a = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m || !a) return false;
  const num = (x: RegExpExecArray): number => ((+x[1]! << 24) | (+x[2]! << 16) | (+x[3]! << 8) | +x[4]!) >>> 0;
  const bits = +m[5]!;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (num(a) & mask) === (num(m) & mask);
}

/** The extra CA for a host from `<certsDir>/<host:port>/ca.crt` (or `<host>/ca.crt`), if any. */
export async function caFor(cfg: RegistryConfig, domain: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (const dir of new Set([domain, domain.replace(/:\d+$/, '')])) {
    try {
      out.push(await readFile(join(cfg.certsDir, dir, 'ca.crt')));
    } catch (err) {
      if (!isErrno(err, 'ENOENT') && !isErrno(err, 'ENOTDIR')) throw err;
    }
  }
  return out;
}
