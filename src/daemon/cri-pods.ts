import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { PodNetwork } from '../cri/pod-network.js';
import type { PodDeps } from '../cri/deps.js';
import { reconcileSandboxes } from '../cri/sandbox-reconcile.js';
import { SandboxStore } from '../cri/sandbox-store.js';
import { CniNetworkDriver } from '../drivers/network-cni/driver.js';
import { KeyedLock } from '../lib/keyed-lock.js';
import type { ContainerDeps } from '../services/containers/deps.js';
import type { NetworkDeps } from '../services/networks/deps.js';
import type { DaemonConfig } from './config.js';

const PLUGIN_DIR = '/usr/lib/cni';

/**
 * The CRI's pods: sandbox records under `<data-root>/cri/sandboxes`, namespace pins under
 * `<exec-root>/cri/<id>`, and a CNI bridge driver of their own (leases and results under
 * `<data-root>/cri/cni`, network namespaces under `<exec-root>/cri/netns`) so that berth's
 * container networking and its start-up reconcile never touch a pod's. Reconciled here, after
 * the containers: ready pods whose namespaces survived keep running.
 */
export async function openPods(
  cfg: DaemonConfig,
  o: { containers: ContainerDeps; networks: NetworkDeps; log: (msg: string) => void; report: (msg: string) => void },
): Promise<PodDeps> {
  const root = join(cfg.dataRoot, 'cri');
  const runRoot = join(cfg.execRoot, 'cri');
  const driver = await CniNetworkDriver.open({ pluginDir: PLUGIN_DIR, stateDir: join(root, 'cni'), netnsDir: join(runRoot, 'netns'), log: o.log });
  const network = await PodNetwork.open({
    driver,
    file: join(root, 'network.json'),
    bridge: `bcri${createHash('sha256').update(cfg.dataRoot).digest('hex').slice(0, 8)}`,
    pools: o.networks.pools.filter((p) => !p.base.includes(':')),
    usedSubnets: () => o.networks.store.all().flatMap((n) => n.IPAM.Config.map((c) => c.Subnet)),
    pluginDir: PLUGIN_DIR,
    log: o.log,
  });
  const pods: PodDeps = {
    sandboxes: await SandboxStore.open(join(root, 'sandboxes')),
    network,
    containers: o.containers,
    locks: new KeyedLock(),
    runRoot,
    log: o.log,
  };
  await reconcileSandboxes(pods, o.report);
  return pods;
}
