/**
 * Removes what a test daemon's networks left on the host: iptables and ip6tables rules and chains of its CNI
 * networks (`berth-<id12>` comments, `berth masquerade|forward <bridge>` rules, CNI-FORWARD rules for
 * its subnets),
 * and its bridges (veths go with their namespaces). Scoped to one daemon's names, never host-wide.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readDaemonNetwork } from './network-names.js';

function exec(file: string, args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((res) => execFile(file, args, { timeout: 30_000 }, (err, stdout, stderr) => res({ ok: err === null, stdout, stderr })));
}

interface NetInfo {
  id12: string;
  bridge?: string;
  subnet?: string;
}

async function networksOf(dataRoot: string): Promise<NetInfo[]> {
  const dir = join(dataRoot, 'networks');
  const out: NetInfo[] = [];
  // The networks' records, and the CRI pods' network (cri/network.json).
  const files = [
    ...(await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).map((f) => join(dir, f)),
    join(dataRoot, 'cri', 'network.json'),
  ];
  for (const file of files) {
    const n = JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as {
      Id?: string;
      BridgeName?: string;
      IPAM?: { Config?: Array<{ Subnet: string }> };
    };
    if (n.Id) out.push({ id12: n.Id.slice(0, 12), bridge: n.BridgeName, subnet: n.IPAM?.Config?.[0]?.Subnet });
  }
  return out;
}

const ipInt = (ip: string): number => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0) >>> 0;

function inSubnet(ip: string, cidr: string): boolean {
  const [base, len] = cidr.split('/');
  const mask = Number(len) === 0 ? 0 : (0xffffffff << (32 - Number(len))) >>> 0;
  return (ipInt(ip) & mask) >>> 0 === (ipInt(base!) & mask) >>> 0;
}

/** Rules (as `-A …` lines) of `table` that belong to these networks, and the chains they jump to. */
function ownRules(save: string, nets: NetInfo[], bridges: Set<string>): { rules: string[]; chains: Set<string> } {
  const tags = [...bridges].flatMap((b) => [`berth masquerade ${b}"`, `berth forward ${b}"`]);
  const rules: string[] = [];
  const chains = new Set<string>();
  for (const line of save.split('\n')) {
    if (!line.startsWith('-A ')) continue;
    const named = nets.some((n) => line.includes(`berth-${n.id12}`)) || tags.some((m) => line.includes(m));
    const addr = /-[sd] (\d+\.\d+\.\d+\.\d+)\/32/.exec(line)?.[1];
    const forward = line.startsWith('-A CNI-FORWARD ') && addr !== undefined && nets.some((n) => n.subnet && inSubnet(addr, n.subnet));
    if (!named && !forward) continue;
    rules.push(line);
    const target = / -j (CNI-[0-9a-f]{24}|CNI-DN-[0-9a-f]{24})\b/.exec(line)?.[1];
    if (target) chains.add(target);
  }
  return { rules, chains };
}

export async function sweepNetworks(dir: string, dataRoot: string): Promise<string[]> {
  const problems: string[] = [];
  const own = readDaemonNetwork(dir);
  const nets = await networksOf(dataRoot);
  const bridges = new Set([own?.bridge, ...nets.map((n) => n.bridge)].filter((b): b is string => b !== undefined));
  // IPv6 networks have the same rules in ip6tables.
  for (const [tool, table] of ['iptables', 'ip6tables'].flatMap((t) => ['nat', 'filter'].map((tb) => [t, tb] as const))) {
    const save = await exec(`${tool}-save`, ['-t', table]);
    if (!save.ok) continue;
    const { rules, chains } = ownRules(save.stdout, nets, bridges);
    for (const rule of rules) {
      // iptables-save quotes comments the way a shell reads them back.
      const r = await exec('sh', ['-c', `${tool} -t ${table} -D ${rule.slice(3)}`]);
      if (!r.ok) problems.push(`${tool} -t ${table} -D ${rule.slice(3)}: ${r.stderr.trim()}`);
    }
    for (const chain of chains) {
      await exec(tool, ['-t', table, '-F', chain]);
      await exec(tool, ['-t', table, '-X', chain]);
    }
  }
  for (const br of bridges) {
    if ((await exec('ip', ['link', 'show', br])).ok) {
      const r = await exec('ip', ['link', 'del', br]);
      if (!r.ok) problems.push(`ip link del ${br}: ${r.stderr.trim()}`);
    }
  }
  return problems;
}
