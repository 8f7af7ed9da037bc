import { randomBytes } from 'node:crypto';
import type { ContainerRecord } from '../../core/containers.js';
import type { EndpointSettings, NetworkRecord } from '../../core/network.js';
import type { NetworkDeps } from './deps.js';
import { addressesOf, clearEndpoint, type EndpointAddresses } from './endpoints.js';

/** A network namespace attached to the default bridge under an ID of its own (no container's). */
interface PooledSandbox {
  holder: string;
  netnsPath: string;
  network: NetworkRecord;
  /** Set once its CNI ADD succeeded: only then may it be used again. */
  addresses?: EndpointAddresses;
}

/**
 * Network namespaces for build steps (RUN), reused one step after the other as BuildKit's CNI
 * pool does: a step's container joins a namespace already attached to the default bridge instead
 * of a CNI ADD before it and a DEL after it. A namespace is used by one container at a time (two
 * parallel stages take two); a step cannot change it (no CAP_NET_ADMIN: a privileged or
 * cap-added container never gets one). The idle ones are torn down after `idleMs`, at most `keep`
 * are kept, the daemon's shutdown drains them, and a crash leaves them to start-up's network
 * reconcile (their holder IDs belong to no container).
 */
export class SandboxPool {
  private readonly free: PooledSandbox[] = [];
  private readonly lent = new Map<string, PooledSandbox>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly idleMs = 10_000,
    readonly keep = 4,
  ) {}

  /** One free sandbox on `network`, if any (they all are on the default bridge of this daemon's life). */
  take(network: NetworkRecord): PooledSandbox | undefined {
    const i = this.free.findIndex((s) => s.network.Id === network.Id);
    return i < 0 ? undefined : this.free.splice(i, 1)[0];
  }

  lend(containerId: string, sb: PooledSandbox): void {
    this.lent.set(containerId, sb);
  }

  /** The sandbox a container used, taken back from it (undefined: it used none of the pool's). */
  reclaim(containerId: string): PooledSandbox | undefined {
    const sb = this.lent.get(containerId);
    this.lent.delete(containerId);
    return sb;
  }

  /** Keeps a sandbox for the next step; what it returns (beyond `keep`) is the caller's to destroy. */
  keepFree(sb: PooledSandbox, expire: (idle: PooledSandbox[]) => void): PooledSandbox[] {
    this.free.push(sb);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => expire(this.drain()), this.idleMs);
    this.timer.unref();
    return this.free.length > this.keep ? this.free.splice(0, this.free.length - this.keep) : [];
  }

  /** Every free sandbox, taken out of the pool (to be destroyed). */
  drain(): PooledSandbox[] {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return this.free.splice(0);
  }
}

/**
 * A build step's endpoint on the default bridge from the pool: a free sandbox, else a new one
 * whose CNI ADD runs in the background (`attached`, as for any container: runc only needs the
 * namespace). The endpoint shows the sandbox's addresses once attached.
 */
export async function borrowSandbox(
  deps: NetworkDeps,
  pool: SandboxPool,
  rec: ContainerRecord,
  ep: EndpointSettings,
  network: NetworkRecord,
): Promise<{ netnsPath: string; attached: Promise<void> }> {
  let sb = pool.take(network);
  if (sb === undefined) {
    const holder = randomBytes(32).toString('hex');
    sb = { holder, netnsPath: await deps.driver.createSandbox(holder), network };
  }
  pool.lend(rec.Id, sb);
  const use = (a: EndpointAddresses): void => {
    Object.assign(ep, a, { IfName: 'eth0', EndpointID: `${network.Id.slice(0, 12)}${rec.Id.slice(0, 52)}` });
  };
  if (sb.addresses) {
    use(sb.addresses);
    return { netnsPath: sb.netnsPath, attached: Promise.resolve() };
  }
  const fresh = sb;
  const attached = deps.driver
    .attach({ network, containerId: fresh.holder, netnsPath: fresh.netnsPath, ifName: 'eth0', ports: [], defaultRoute: true })
    .then((r) => {
      fresh.addresses = addressesOf(r);
      use(fresh.addresses);
    });
  return { netnsPath: fresh.netnsPath, attached };
}

/**
 * The container's pooled sandbox back to the pool (its endpoint cleared), or torn down when its
 * ADD never finished; false when the container used none. Never throws.
 */
export async function returnSandbox(deps: NetworkDeps, pool: SandboxPool, rec: ContainerRecord): Promise<boolean> {
  const sb = pool.reclaim(rec.Id);
  if (sb === undefined) return false;
  for (const ep of Object.values(rec.NetworkSettings?.Networks ?? {})) if (ep.NetworkID === sb.network.Id) clearEndpoint(ep);
  if (rec.NetworkSettings) rec.NetworkSettings.Ports = [];
  const doomed = sb.addresses ? pool.keepFree(sb, (idle) => void destroyAll(deps, idle)) : [sb];
  await destroyAll(deps, doomed);
  return true;
}

/** Tears down every free sandbox of the pool (the daemon's shutdown). */
export async function drainSandboxPool(deps: NetworkDeps, pool: SandboxPool): Promise<void> {
  await destroyAll(deps, pool.drain());
}

async function destroyAll(deps: NetworkDeps, sbs: PooledSandbox[]): Promise<void> {
  await Promise.all(
    sbs.map(async (sb) => {
      await deps.driver.detachAll(sb.holder).catch((err: Error) => deps.log(`network teardown of pooled sandbox ${sb.holder.slice(0, 12)}: ${err.message}`));
      await deps.driver.removeSandbox(sb.holder).catch((err: Error) => deps.log(`removing pooled netns ${sb.holder.slice(0, 12)}: ${err.message}`));
    }),
  );
}
