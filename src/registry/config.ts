import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno } from '../lib/errdefs.js';
import { contains, parseCidr, parseIp } from '../lib/ip.js';
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

/**
 * Registries that are insecure without any configuration, as Docker's defaults: the loopback
 * networks (`127.0.0.0/8`, `::1/128`) and the name `localhost`, so `docker push localhost:5000/app`
 * works against a plain-HTTP registry out of the box.
 */
export const DEFAULT_INSECURE = ['127.0.0.0/8', '::1/128', 'localhost'];

/**
 * The endpoints for a reference's domain, in the order to try them. An insecure registry gets
 * two, as Docker's `lookupV2Endpoints`: https without certificate verification, then plain http
 * (the client moves to the next one when an endpoint cannot be spoken to at all).
 */
export function endpointsFor(cfg: RegistryConfig, domain: string): Endpoint[] {
  if (domain === DEFAULT_DOMAIN) {
    return [
      ...cfg.mirrors.map((m) => ({ base: new URL(m.endsWith('/') ? m : `${m}/`), insecure: false, mirror: true })),
      { base: new URL('https://registry-1.docker.io/'), insecure: false, mirror: false },
    ];
  }
  if (isInsecure(cfg, domain)) {
    return [
      { base: new URL(`https://${domain}/`), insecure: true, mirror: false },
      { base: new URL(`http://${domain}/`), insecure: true, mirror: false },
    ];
  }
  return [{ base: new URL(`https://${domain}/`), insecure: false, mirror: false }];
}

/** Whether `domain` (`host[:port]`) is an insecure registry: configured, or loopback by default. */
export function isInsecure(cfg: RegistryConfig, domain: string): boolean {
  const host = domain.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return [...DEFAULT_INSECURE, ...cfg.insecure].some((entry) => entry === domain || entry === host || inCidr(host, entry));
}

/** Whether the IP literal `ip` lies in `cidr` (IPv4 or IPv6); false for names and non-CIDR entries. */
function inCidr(ip: string, cidr: string): boolean {
  const addr = parseIp(ip);
  const net = parseCidr(cidr);
  return addr !== undefined && net !== undefined && contains(net, addr);
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
