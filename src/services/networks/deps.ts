import type { ContainerRecord } from '../../core/containers.js';
import type { NetworkDriver } from '../../core/network.js';
import type { IntentLog } from '../../lib/intents.js';
import type { KeyedLock } from '../../lib/keyed-lock.js';
import type { EventBus } from '../events.js';
import type { DnsResponders } from './dns.js';
import type { NetworkStore } from './store.js';
import type { SandboxPool } from './sandbox-pool.js';

/** Address pools user networks draw their subnets from (daemon.json `default-address-pools`). */
export interface AddressPool {
  base: string;
  size: number;
}

/** What the network use cases need; wired once in daemon/main.ts. */
export interface NetworkDeps {
  store: NetworkStore;
  driver: NetworkDriver;
  containers: { all(): ContainerRecord[]; get(ref: string): ContainerRecord; save(rec: ContainerRecord): Promise<void>; settled(): Promise<void> };
  /** The container locks (connect/disconnect change a container's record and its namespace). */
  locks: KeyedLock;
  events: EventBus;
  pools: AddressPool[];
  dns: DnsResponders;
  /** Network create and remove record their intent here first (see reconcile.ts). */
  intents: IntentLog;
  log: (msg: string) => void;
  /** Network namespaces reused by build steps (see sandbox-pool.ts); none: every container gets its own. */
  sandboxPool?: SandboxPool;
}

export const BUILTIN = new Set(['bridge', 'host', 'none']);

/** Containers (running or paused) with an endpoint on `netId`. */
export function activeEndpoints(deps: Pick<NetworkDeps, 'containers'>, netId: string): ContainerRecord[] {
  return deps.containers
    .all()
    .filter(
      (c) =>
        (c.State.Status === 'running' || c.State.Status === 'paused') && Object.values(c.NetworkSettings?.Networks ?? {}).some((e) => e.NetworkID === netId),
    );
}
