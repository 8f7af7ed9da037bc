import { isLive } from '../../core/containers.js';
import type { NetworkRecord } from '../../core/network.js';
import type { NetworkDeps } from './deps.js';
import { CREATE_INTENT, REMOVE_INTENT } from './networks.js';
import { teardownNetworking } from './sandbox.js';

const short = (id: string): string => id.slice(0, 12);

/**
 * Start-up, before any bridge is brought up: a network create cut short (intent, no record) is
 * rolled back — its bridge, rules and leases go —; a network rm cut short is finished.
 */
export async function recoverNetworkOps(deps: NetworkDeps, report: (msg: string) => void): Promise<void> {
  for (const { kind, id, data } of await deps.intents.pending()) {
    const net = data as NetworkRecord;
    if (kind === CREATE_INTENT && deps.store.find(id)?.Id !== id) {
      await deps.driver.removeNetwork(net);
      report(`removed orphan bridge ${net.BridgeName} (network create cut short)`);
    } else if (kind === REMOVE_INTENT) {
      await deps.driver.removeNetwork(net);
      if (deps.store.find(id)?.Id === id) await deps.store.delete(id);
      report(`removed network ${net.Name} and its bridge ${net.BridgeName} (network rm cut short)`);
    }
    if (kind === CREATE_INTENT || kind === REMOVE_INTENT) await deps.intents.end(kind, id);
  }
}

/**
 * Start-up, after the containers are reconciled: everything of the network that belongs to no
 * running container is released — sandboxes (namespaces and the veths in them), CNI attachments
 * (cut-short ADDs included), address leases and published-port rules on this daemon's networks.
 */
export async function reconcileNetworking(deps: NetworkDeps, report: (msg: string) => void): Promise<void> {
  const byId = new Map(deps.containers.all().map((c) => [c.Id, c]));
  const live = (id: string): boolean => {
    const rec = byId.get(id);
    return rec !== undefined && isLive(rec);
  };
  for (const id of await deps.driver.sandboxes()) {
    if (live(id)) continue;
    const rec = byId.get(id);
    if (rec !== undefined) {
      await teardownNetworking(deps, rec);
      await deps.containers.save(rec);
    } else {
      await deps.driver.detachAll(id).catch((err: Error) => deps.log(`network teardown of ${short(id)}: ${err.message}`));
      await deps.driver.removeSandbox(id).catch(() => undefined);
    }
    report(`released network namespace of ${rec ? 'stopped' : 'unknown'} container ${short(id)}`);
  }
  for (const id of await deps.driver.attachedContainers()) {
    if (live(id)) continue;
    const released = await deps.driver.detachAll(id).catch((err: Error) => [`(failed: ${err.message})`]);
    if (released.length > 0) report(`released network endpoint ${released.join(', ')} of ${byId.has(id) ? 'stopped' : 'unknown'} container ${short(id)}`);
  }
  // Endpoints of stopped containers whose sandbox is already gone (a reboot wiped the exec root).
  for (const rec of byId.values()) {
    if (isLive(rec) || !Object.values(rec.NetworkSettings?.Networks ?? {}).some((e) => e.IfName)) continue;
    await teardownNetworking(deps, rec);
    await deps.containers.save(rec);
  }
  for (const what of await deps.driver.releaseOrphans(deps.store.all(), live)) report(`released ${what} (held by no running container)`);
  await deps.driver.resumeProxies(live);
}
