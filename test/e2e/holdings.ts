/**
 * What a container may hold on the host (test helper): every list is empty for a container that
 * holds nothing — after a crash was reconciled, or a failed start was rolled back.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mountsUnder, type Daemon } from './harness.js';

const sh = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8' });

const readdirOrEmpty = (p: string): Promise<string[]> => readdir(p).catch(() => []);

/** conmon processes whose command line names this container. */
export async function conmonsOf(id: string): Promise<number[]> {
  const out: number[] = [];
  for (const p of await readdirOrEmpty('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    const argv = (await readFile(`/proc/${p}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (argv[0]?.endsWith('conmon') && argv[argv.indexOf('-c') + 1] === id) out.push(Number(p));
  }
  return out;
}

/** The DNAT jumps portmap made for this container (its ID is in the rule's comment). */
export const dnatRulesOf = (id: string): string[] =>
  sh('iptables', ['-w', '-t', 'nat', '-S', 'CNI-HOSTPORT-DNAT'])
    .split('\n')
    .filter((l) => l.includes(id));

/** What a container may hold on the host; every list is empty for a container that holds nothing. */
export async function holdings(d: Daemon, id: string): Promise<Record<string, string[]>> {
  const ipam = join(d.dataRoot, 'networks', 'cni', 'ipam');
  const leases: string[] = [];
  for (const net of await readdirOrEmpty(ipam)) {
    for (const f of await readdirOrEmpty(join(ipam, net))) {
      if ((await readFile(join(ipam, net, f), 'utf8').catch(() => '')).startsWith(id)) leases.push(`${net}/${f}`);
    }
  }
  return {
    leases,
    cniResults: (await readdirOrEmpty(join(d.dataRoot, 'networks', 'cni', 'results'))).filter((f) => f.includes(id)),
    netns: existsSync(join(d.execRoot, 'netns', id)) ? [id] : [],
    runc: existsSync(join(d.execRoot, 'runc', id)) ? [id] : [],
    dnat: dnatRulesOf(id),
    mounts: await mountsUnder(join(d.dataRoot, 'containers', id)),
    conmon: (await conmonsOf(id)).map(String),
  };
}

export const nothing = { leases: [], cniResults: [], netns: [], runc: [], dnat: [], mounts: [], conmon: [] };
