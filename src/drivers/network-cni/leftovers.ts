import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../lib/exec.js';
import { parseIp } from '../../lib/ip.js';

/** portmap writes its IPv4 rules with iptables and its IPv6 ones with ip6tables. */
export type Xtables = 'iptables' | 'ip6tables';
export const XTABLES: readonly Xtables[] = ['iptables', 'ip6tables'];

/**
 * What a CNI attachment can leave on the host when the DEL that should release it never ran
 * (berthd killed mid-start, a record without the endpoint): host-local leases and portmap's
 * per-container DNAT chains. Both are found by owner — the lease file names its container, the
 * DNAT jump's comment names the CNI network and the container — so only what belongs to the
 * given networks is ever touched.
 */

/** The words of one `iptables -S` line, with its double-quoted (backslash-escaped) arguments unquoted. */
export function ruleWords(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const m of line.matchAll(re)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!);
  return out;
}

/** A portmap jump in CNI-HOSTPORT-DNAT: the CNI network and container it was made for, its target chain. */
export interface DnatJump {
  tool: Xtables;
  network: string;
  containerId: string;
  chain: string;
  spec: string[];
}

const DNAT_COMMENT = /^dnat name: "([^"]+)" id: "([^"]+)"$/;

/** portmap's per-container jumps of both families. */
export async function dnatJumps(): Promise<DnatJump[]> {
  return (await Promise.all(XTABLES.map(dnatJumpsOf))).flat();
}

async function dnatJumpsOf(tool: Xtables): Promise<DnatJump[]> {
  const { stdout } = await run(tool, ['-w', '-t', 'nat', '-S', 'CNI-HOSTPORT-DNAT']).catch(() => ({ stdout: '' }));
  const out: DnatJump[] = [];
  for (const line of stdout.split('\n')) {
    const w = ruleWords(line);
    if (w[0] !== '-A') continue;
    const comment = w[w.indexOf('--comment') + 1];
    const m = comment === undefined ? null : DNAT_COMMENT.exec(comment);
    const chain = w[w.indexOf('-j') + 1];
    if (m && chain?.startsWith('CNI-DN-')) out.push({ tool, network: m[1]!, containerId: m[2]!, chain, spec: w.slice(2) });
  }
  return out;
}

/** Removes the jump and its chain (what portmap's DEL removes for one container). */
export async function removeDnatJump(j: DnatJump): Promise<void> {
  await run(j.tool, ['-w', '-t', 'nat', '-D', 'CNI-HOSTPORT-DNAT', ...j.spec]).catch(() => undefined);
  await run(j.tool, ['-w', '-t', 'nat', '-F', j.chain]).catch(() => undefined);
  await run(j.tool, ['-w', '-t', 'nat', '-X', j.chain]).catch(() => undefined);
}

/**
 * Host ports that a DNAT rule anywhere in the nat table sends elsewhere (`tcp/8080`): another
 * engine, another berthd or a leftover may hold a port with no socket bound to it, which a bind
 * probe cannot see.
 */
export async function dnatPorts(): Promise<Set<string>> {
  const listings = await Promise.all(XTABLES.map((tool) => run(tool, ['-w', '-t', 'nat', '-S']).catch(() => ({ stdout: '' }))));
  return portsOfDnatRules(listings.map((l) => l.stdout).join('\n'));
}

/** The `proto/port`s that the `-j DNAT` rules of an `iptables -S` listing match (`--dport`, `--dports`, ranges). */
export function portsOfDnatRules(listing: string): Set<string> {
  const out = new Set<string>();
  for (const line of listing.split('\n')) {
    if (!line.startsWith('-A ') || !line.includes(' -j DNAT')) continue;
    const w = ruleWords(line);
    const proto = w[w.indexOf('-p') + 1];
    const at = w.findIndex((x) => x === '--dport' || x === '--dports' || x === '--destination-port');
    if (!proto || proto.startsWith('-') || at < 0) continue;
    for (const part of (w[at + 1] ?? '').split(',')) {
      const [lo, hi = lo] = part.split(':').map(Number) as [number, number?];
      for (let p = lo; p <= (hi ?? lo) && p - lo < 65536; p++) out.add(`${proto}/${p}`);
    }
  }
  return out;
}

/** host-local's lease files (named by address, IPv4 or IPv6, holding `<container id>\r\n<ifname>`) whose container `keep` rejects; removed. */
export async function removeStaleLeases(ipamDir: string, keep: (containerId: string) => boolean): Promise<string[]> {
  const removed: string[] = [];
  for (const net of await readdir(ipamDir).catch(() => [] as string[])) {
    for (const name of await readdir(join(ipamDir, net)).catch(() => [] as string[])) {
      if (parseIp(name) === undefined) continue;
      const owner = (await readFile(join(ipamDir, net, name), 'utf8').catch(() => '')).split(/\r?\n/)[0]!.trim();
      if (owner === '' || keep(owner)) continue;
      await rm(join(ipamDir, net, name), { force: true });
      removed.push(`${net}/${name}`);
    }
  }
  return removed;
}
