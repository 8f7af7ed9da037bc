import { readFile, writeFile } from 'node:fs/promises';
import type { ContainerRecord } from '../../core/containers.js';
import { isErrno } from '../../lib/errdefs.js';

const DEFAULT_HOSTS = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

// Docker's fallback when the host's resolv.conf only points at loopback resolvers.
const FALLBACK_NAMESERVERS = ['8.8.8.8', '8.8.4.4'];

async function readHostFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return '';
    throw err;
  }
}

/** /etc/hosts: the host's own with --network host, Docker's default set otherwise; plus --add-host. */
export async function hostsFile(rec: ContainerRecord): Promise<string> {
  const hostNet = rec.HostConfig.NetworkMode === 'host';
  const lines = hostNet ? [(await readHostFile('/etc/hosts')).trimEnd()] : [...DEFAULT_HOSTS];
  for (const entry of rec.HostConfig.ExtraHosts ?? []) {
    const i = entry.indexOf(':');
    lines.push(`${entry.slice(i + 1)}\t${entry.slice(0, i)}`);
  }
  return lines.join('\n') + '\n';
}

/** The daemon's `dns`, `dns-search`, `dns-opts`: used where the container gives none. */
export interface DnsDefaults {
  servers: string[];
  search: string[];
  options: string[];
}

const NO_DNS_DEFAULTS: DnsDefaults = { servers: [], search: [], options: [] };

/**
 * /etc/resolv.conf from the host's, with --dns/--dns-search/--dns-option (else the daemon's
 * defaults) applied. Loopback resolvers cannot be reached from a private network namespace, so
 * they are dropped there.
 */
export async function resolvConf(rec: ContainerRecord, defaults: DnsDefaults = NO_DNS_DEFAULTS): Promise<string> {
  const hostNet = rec.HostConfig.NetworkMode === 'host';
  const host = await readHostFile('/etc/resolv.conf');
  let servers: string[] = [];
  let search: string[] = [];
  let options: string[] = [];
  for (const line of host.split('\n')) {
    const [key, ...vals] = line.trim().split(/\s+/);
    if (key === 'nameserver' && vals[0]) servers.push(vals[0]);
    else if (key === 'search' || key === 'domain') search = vals;
    else if (key === 'options') options.push(...vals);
  }
  if (!hostNet) {
    servers = servers.filter((s) => !s.startsWith('127.') && s !== '::1');
    if (servers.length === 0) servers = FALLBACK_NAMESERVERS;
  }
  const hc = rec.HostConfig;
  const pick = (own: string[] | null | undefined, daemon: string[], host: string[]): string[] => (own?.length ? own : daemon.length ? daemon : host);
  servers = pick(hc.Dns, defaults.servers, servers);
  search = pick(hc.DnsSearch, defaults.search, search);
  options = pick(hc.DnsOptions, defaults.options, options);
  const out = [
    ...(search.length ? [`search ${search.join(' ')}`] : []),
    ...servers.map((s) => `nameserver ${s}`),
    ...(options.length ? [`options ${options.join(' ')}`] : []),
  ];
  return out.join('\n') + '\n';
}

export async function writeEtcFiles(rec: ContainerRecord, hostname: string, dns?: DnsDefaults): Promise<void> {
  await writeFile(rec.Paths.HostnamePath, `${hostname}\n`);
  await writeFile(rec.Paths.HostsPath, await hostsFile(rec));
  await writeFile(rec.Paths.ResolvConfPath, await resolvConf(rec, dns));
}

/**
 * At start, once the container has an address: /etc/hosts gains `<ip> <hostname> <name>` (one line for
 * each of its IPv4 and IPv6 addresses) (and
 * `host-gateway` in --add-host becomes the network's gateway); on a user network resolv.conf
 * points at the network's DNS responder unless --dns was given.
 */
export async function writeNetworkEtcFiles(
  rec: ContainerRecord,
  net: { ip: string; ip6?: string; gateway: string; nameserver?: string; links?: string[] },
): Promise<void> {
  const host = rec.Config.Hostname ?? '';
  const fqdn = rec.Config.Domainname ? `${host}.${rec.Config.Domainname} ` : '';
  const names = [...new Set([`${fqdn}${host}`, rec.Name])].join(' ');
  const hosts = (await hostsFile(rec)).replace(/^host-gateway\t/gm, `${net.gateway}\t`);
  const links = (net.links ?? []).map((l) => `${l}\n`).join('');
  // One line per address of the container, IPv4 first, as dockerd writes them.
  const own = [net.ip, net.ip6].filter((a) => !!a).map((a) => `${a}\t${names}\n`);
  await writeFile(rec.Paths.HostsPath, `${hosts}${links}${own.join('')}`);
  if (net.nameserver !== undefined && !rec.HostConfig.Dns?.length) {
    // The file written at create (search and options, the daemon's defaults included) minus its nameservers.
    const conf = (await readHostFile(rec.Paths.ResolvConfPath)).split('\n').filter((l) => !l.startsWith('nameserver ') && l !== '');
    await writeFile(rec.Paths.ResolvConfPath, [`nameserver ${net.nameserver}`, ...conf].join('\n') + '\n');
  }
}
