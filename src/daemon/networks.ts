import { isIPv4, isIPv6 } from 'node:net';
import { join } from 'node:path';
import { CniNetworkDriver } from '../drivers/network-cni/driver.js';
import type { DaemonSecurity } from '../services/containers/spec/types.js';
import { ensureDefaultNetworks } from '../services/networks/defaults.js';
import type { NetworkDeps } from '../services/networks/deps.js';
import { DnsResponders, hostResolvers } from '../services/networks/dns.js';
import { NetworkStore } from '../services/networks/store.js';
import { SandboxPool } from '../services/networks/sandbox-pool.js';
import { ulaPool } from '../services/networks/subnets.js';
import type { DaemonConfig } from './config.js';
import type { IntentLog } from '../lib/intents.js';
import { recoverNetworkOps } from '../services/networks/reconcile.js';

/**
 * Opens the network service: records under `<data-root>/networks`, CNI state (host-local leases,
 * cached ADD results) under `<data-root>/networks/cni`, sandboxes under `<exec-root>/netns`;
 * finishes or rolls back network creates and removals a crash cut short; creates the built-in
 * networks and every bridge up front.
 */
export async function openNetworks(
  cfg: DaemonConfig,
  deps: Pick<NetworkDeps, 'containers' | 'locks' | 'events'> & { security?: DaemonSecurity; hostId: string },
  o: { log: (msg: string) => void; intents: IntentLog; report: (msg: string) => void },
): Promise<NetworkDeps> {
  const { log } = o;
  const root = join(cfg.dataRoot, 'networks');
  const store = await NetworkStore.open(root);
  const driver = await CniNetworkDriver.open({
    pluginDir: '/usr/lib/cni',
    stateDir: join(root, 'cni'),
    netnsDir: join(cfg.execRoot, 'netns'),
    ...(deps.security?.remap ? { userns: { uids: deps.security.remap.uidMappings, gids: deps.security.remap.gidMappings } } : {}),
    log,
  });
  // As dockerd (27+): with no IPv6 pool configured, IPv6 subnets come from a ULA /48 of the engine's own.
  const pools = cfg.network.pools.some((p) => isIPv6(p.base.split('/')[0]!)) ? cfg.network.pools : [...cfg.network.pools, ulaPool(deps.hostId)];
  const net: NetworkDeps = {
    store,
    driver,
    containers: deps.containers,
    locks: deps.locks,
    events: deps.events,
    pools,
    dns: new DnsResponders(log, () => upstreamResolvers(cfg)),
    intents: o.intents,
    log,
    sandboxPool: new SandboxPool(),
  };
  await recoverNetworkOps(net, o.report);
  await ensureDefaultNetworks(net, { name: cfg.network.bridge, bip: cfg.network.bip, ipv6: cfg.network.ipv6, fixedCidrV6: cfg.network.fixedCidrV6 });
  return net;
}

/** Where the embedded DNS forwards: the daemon's `dns` servers (port 53), else the host's resolvers. */
function upstreamResolvers(cfg: DaemonConfig): Array<{ address: string; port: number }> {
  const own = cfg.settings.dns.filter((s) => isIPv4(s));
  return own.length > 0 ? own.map((address) => ({ address, port: 53 })) : hostResolvers();
}
