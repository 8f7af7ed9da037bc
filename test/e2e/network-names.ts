/**
 * Each test daemon gets its own default bridge and subnets (berthd tags its rules with the bridge's
 * name), recorded in `<dir>/network.json` so the clean-up sweep finds
 * them even for a dir left behind by a crashed run.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DaemonNetwork {
  bridge: string;
  bip: string;
  pool: string;
}

function routedPrefixes(): string {
  try {
    return execFileSync('ip', ['-4', 'route', 'show', 'table', 'all'], { encoding: 'utf8' });
  } catch {
    return '';
  }
}

/** A bridge name and two subnets no route on the host uses yet. */
export function pickDaemonNetwork(dir: string): DaemonNetwork {
  const routes = routedPrefixes();
  for (;;) {
    const a = 128 + randomInt(64);
    const b = randomInt(256);
    const p = 192 + randomInt(56);
    const q = randomInt(16) * 16;
    if (routes.includes(`10.${a}.${b}.`) || routes.includes(`10.${p}.`)) continue;
    const net = { bridge: `bt${randomBytes(5).toString('hex')}`, bip: `10.${a}.${b}.1/24`, pool: `10.${p}.${q}.0/20` };
    writeFileSync(join(dir, 'network.json'), JSON.stringify(net));
    return net;
  }
}

export function daemonNetworkArgs(n: DaemonNetwork): string[] {
  return ['--bridge', n.bridge, '--bip', n.bip, '--default-address-pool', `base=${n.pool},size=24`];
}

export function readDaemonNetwork(dir: string): DaemonNetwork | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'network.json'), 'utf8')) as DaemonNetwork;
  } catch {
    return undefined;
  }
}
