import { access } from 'node:fs/promises';
import { type ContainerRecord, isLive } from '../../core/containers.js';
import type { EndpointSettings, NetworkRecord, PortMapping } from '../../core/network.js';
import { conflict } from '../../lib/errdefs.js';
import { writeNetworkEtcFiles } from './etc-files.js';
import type { NetworkDeps } from './deps.js';
import { allocatePorts } from './ports.js';
import { linkHostLines } from './links.js';
import { hasDns } from './resolver.js';
import { gatewayEndpoint } from './gateway.js';
import { addressesOf, checkEndpointNetworks, clearEndpoint } from './endpoints.js';
import { borrowSandbox, returnSandbox } from './sandbox-pool.js';
import { timed } from '../../lib/phase-timer.js';

function bridgeEndpoints(deps: NetworkDeps, rec: ContainerRecord): Array<[EndpointSettings, NetworkRecord]> {
  const out: Array<[EndpointSettings, NetworkRecord]> = [];
  for (const [name, ep] of Object.entries(rec.NetworkSettings?.Networks ?? {})) {
    const net = deps.store.find(ep.NetworkID) ?? deps.store.find(name);
    if (net?.Driver === 'bridge') out.push([ep, net]);
  }
  return out;
}

/** The first free `ethN` in the container. */
export function nextIfName(rec: ContainerRecord): string {
  const used = new Set(Object.values(rec.NetworkSettings?.Networks ?? {}).map((e) => e.IfName));
  let i = 0;
  while (used.has(`eth${i}`)) i++;
  return `eth${i}`;
}

/**
 * Connects one endpoint of a container whose sandbox exists (at start, and `network connect`);
 * `defaultRoute`: this endpoint's gateway becomes the container's default route.
 */
export async function attachEndpoint(
  deps: NetworkDeps,
  rec: ContainerRecord,
  ep: EndpointSettings,
  net: NetworkRecord,
  opts: { ports: PortMapping[]; defaultRoute: boolean },
): Promise<void> {
  const ifName = nextIfName(rec);
  ep.IfName = ifName;
  const r = await deps.driver.attach({
    network: net,
    containerId: rec.Id,
    netnsPath: deps.driver.sandboxPath(rec.Id),
    ifName,
    ipam: ep.IPAMConfig ?? undefined,
    mac: ep.DesiredMacAddress || undefined,
    ...opts,
  });
  Object.assign(ep, addressesOf(r), { EndpointID: `${net.Id.slice(0, 12)}${rec.Id.slice(0, 52)}` });
}

/**
 * After `network connect` or `disconnect` of a running container: the default route goes through
 * the endpoint gatewayEndpoint picks now (a higher GwPriority, or libnetwork's order), as Docker
 * moves the gateway when the best endpoint changes.
 */
export async function updateDefaultRoute(deps: NetworkDeps, rec: ContainerRecord): Promise<void> {
  const gw = gatewayEndpoint(bridgeEndpoints(deps, rec).filter(([ep]) => ep.IfName && ep.Gateway));
  await deps.driver.setDefaultRoute(rec.Id, gw ? { gateway: gw[0].Gateway, ifName: gw[0].IfName! } : undefined);
}

/** Releases one endpoint (CNI DEL) and clears its addresses; never throws (logged instead). */
export async function detachEndpoint(deps: NetworkDeps, rec: ContainerRecord, ep: EndpointSettings, net: NetworkRecord): Promise<void> {
  if (ep.IfName) {
    await deps.driver
      .detach({ network: net, containerId: rec.Id, netnsPath: deps.driver.sandboxPath(rec.Id), ifName: ep.IfName })
      .catch((err: Error) => deps.log(`network teardown of ${rec.Id.slice(0, 12)} on ${net.Name}: ${err.message}`));
  }
  clearEndpoint(ep);
}

/** A container's network being set up: the namespace for its spec now, its endpoints later. */
export interface NetworkSetup {
  /** The namespace path for the spec (undefined: the host's for `--network host`, a new one from runc for `--network none`). */
  netnsPath: string | undefined;
  /**
   * CNI ADD of every endpoint and the /etc files with their addresses. It runs while runc
   * creates the container (which only needs the namespace to exist; the container's process
   * waits in runc init until the start, and /etc/hosts and resolv.conf are rewritten in place, so
   * its bind mounts see the addresses). After a failure the caller tears the network down
   * (teardownNetworking), once runc is done with the namespace. Already observed: a rejection
   * nobody has awaited yet does not end the daemon.
   */
  attached: Promise<void>;
}

/**
 * Prepares a container's network before `runc create`: published ports are allocated (a port
 * already taken fails the start before anything is made) and the sandbox (its namespace) is made
 * at once; the endpoints are attached in the background (see NetworkSetup.attached).
 */
export async function setupNetworking(deps: NetworkDeps, rec: ContainerRecord, opts: { pooled?: boolean } = {}): Promise<NetworkSetup> {
  const done = { netnsPath: undefined, attached: Promise.resolve() };
  const mode = rec.HostConfig.NetworkMode ?? 'bridge';
  // A namespace joined by path (a pod's) is its owner's to set up: nothing to attach here.
  if (mode === 'host' || rec.JoinNamespaces?.network !== undefined) return done;
  if (mode.startsWith('container:')) {
    const other = deps.containers.get(mode.slice('container:'.length));
    if (!isLive(other)) throw conflict(`cannot join network of a non running container: ${other.Id}`);
    shareNetworkIdentity(rec, other);
    const path = deps.driver.sandboxPath(other.Id);
    return {
      ...done,
      netnsPath: await access(path).then(
        () => path,
        () => `/proc/${other.State.Pid}/ns/net`,
      ),
    };
  }
  checkEndpointNetworks(deps, rec);
  await deps.driver.removeSandbox(rec.Id);
  // `--network none`: runc makes the empty namespace itself (and brings `lo` up, as for any new
  // one), which spares a spawn at start and an unmount at exit. Under userns-remap the namespace
  // must belong to the sandbox's user namespace, so it is made here as for the others.
  if (mode === 'none' && deps.driver.sandboxUsernsPath(rec.Id) === undefined) return done;
  const eps = bridgeEndpoints(deps, rec);
  const others = deps.containers.all().filter((c) => c.Id !== rec.Id && isLive(c));
  const ports = eps.length > 0 ? await allocatePorts(rec, others, () => deps.driver.heldPorts()) : [];
  const pooled = opts.pooled === true ? poolable(deps, rec, eps, ports) : undefined;
  if (pooled !== undefined && deps.sandboxPool !== undefined) {
    const [ep, net] = pooled;
    const { netnsPath, attached } = await borrowSandbox(deps, deps.sandboxPool, rec, ep, net);
    rec.NetworkSettings = { Networks: rec.NetworkSettings?.Networks ?? {}, Ports: [] };
    const written = attached.then(() => writeEndpointEtcFiles(deps, rec));
    written.catch(() => undefined);
    return { netnsPath, attached: written };
  }
  const netnsPath = await deps.driver.createSandbox(rec.Id, usernsDonor(deps, rec));
  const attached = timed(`start ${rec.Id.slice(0, 12)}: network (CNI ADD)`, () => attachAll(deps, rec, eps, ports));
  attached.catch(() => undefined);
  return { netnsPath, attached };
}

/**
 * The one endpoint a pooled sandbox can give (see sandbox-pool.ts): to a container that cannot
 * reconfigure its network (not privileged, no added capability), on the default bridge, with
 * nothing of its own (addresses, MAC, aliases, links, published ports), no user namespace.
 */
function poolable(
  deps: NetworkDeps,
  rec: ContainerRecord,
  eps: Array<[EndpointSettings, NetworkRecord]>,
  ports: PortMapping[],
): [EndpointSettings, NetworkRecord] | undefined {
  if (rec.HostConfig.Privileged === true || (rec.HostConfig.CapAdd?.length ?? 0) > 0) return undefined;
  const only = eps.length === 1 ? eps[0] : undefined;
  if (only === undefined || ports.length > 0 || deps.driver.sandboxUsernsPath(rec.Id) !== undefined) return undefined;
  const [ep, net] = only;
  if (net.Name !== 'bridge' || ep.IPAMConfig || ep.DesiredMacAddress || ep.Aliases?.length || ep.Links?.length || rec.HostConfig.Links?.length)
    return undefined;
  return only;
}

/**
 * `--network container:<x>`: as Docker's initializeNetworkingPaths, the joiner takes x's hostname
 * and domain name and binds x's /etc/hostname, /etc/hosts and /etc/resolv.conf (inspect shows
 * x's paths), so its own name resolves (`hostname -i`) and x's later changes show.
 */
function shareNetworkIdentity(rec: ContainerRecord, other: ContainerRecord): void {
  rec.Config.Hostname = other.Config.Hostname;
  rec.Config.Domainname = other.Config.Domainname;
  rec.Paths = { ...rec.Paths, HostnamePath: other.Paths.HostnamePath, HostsPath: other.Paths.HostsPath, ResolvConfPath: other.Paths.ResolvConfPath };
}

/**
 * CNI ADD of each bridge endpoint in order (eth0 is the network mode's; published ports on it; the
 * default route through the endpoint gatewayEndpoint picks), then /etc/hosts and resolv.conf.
 */
async function attachAll(deps: NetworkDeps, rec: ContainerRecord, eps: Array<[EndpointSettings, NetworkRecord]>, ports: PortMapping[]): Promise<void> {
  const links = linkHostLines(deps, rec);
  for (const [ep] of eps) ep.IfName = undefined;
  const gateway = gatewayEndpoint(eps);
  for (const [i, e] of eps.entries()) await attachEndpoint(deps, rec, e[0], e[1], { ports: i === 0 ? ports : [], defaultRoute: e === gateway });
  // A container with an IPv6 address is published on [::] too (dockerd lists both bindings).
  const v6 = eps[0]?.[0].GlobalIPv6Address ? ports.filter((p) => p.hostIp === '0.0.0.0').map((p) => ({ ...p, hostIp: '::' })) : [];
  rec.NetworkSettings = { Networks: rec.NetworkSettings?.Networks ?? {}, Ports: [...ports, ...v6] };
  await writeEndpointEtcFiles(deps, rec, links);
}

/**
 * /etc/hosts from the first endpoint's addresses and the links; resolv.conf names the responder
 * of the first network with embedded DNS (a default-bridge container connected to a user network
 * too gets it, as Docker starts a container's resolver for the first endpoint that needs one).
 */
export async function writeEndpointEtcFiles(deps: NetworkDeps, rec: ContainerRecord, links = linkHostLines(deps, rec)): Promise<void> {
  const eps = bridgeEndpoints(deps, rec).filter(([ep]) => ep.IPAddress || ep.GlobalIPv6Address);
  const first = eps[0];
  if (first === undefined) return;
  const [ep] = first;
  const dns = eps.find(([, net]) => hasDns(net))?.[0];
  const nameserver = dns ? dns.Gateway || dns.IPv6Gateway : undefined;
  await writeNetworkEtcFiles(rec, { ip: ep.IPAddress, ip6: ep.GlobalIPv6Address, gateway: ep.Gateway || ep.IPv6Gateway || '', nameserver, links });
}

/**
 * CNI DEL of every endpoint, then of any attachment the record does not show (a start cut short
 * before the record named its interfaces), then the sandbox; idempotent, never throws.
 */
export async function teardownNetworking(deps: NetworkDeps, rec: ContainerRecord): Promise<void> {
  if (deps.sandboxPool !== undefined && (await returnSandbox(deps, deps.sandboxPool, rec))) return;
  for (const [ep, net] of bridgeEndpoints(deps, rec)) await detachEndpoint(deps, rec, ep, net);
  await deps.driver.detachAll(rec.Id).catch((err: Error) => deps.log(`network teardown of ${rec.Id.slice(0, 12)}: ${err.message}`));
  if (rec.NetworkSettings) rec.NetworkSettings.Ports = [];
  await deps.driver.removeSandbox(rec.Id).catch((err: Error) => deps.log(`removing netns of ${rec.Id.slice(0, 12)}: ${err.message}`));
}

/**
 * The user namespace owning the network namespace a container joins (its own sandbox's, or the
 * `container:<x>` target's), under userns-remap; undefined otherwise or for `--network host`.
 */
export function sandboxUserns(deps: NetworkDeps, rec: ContainerRecord): string | undefined {
  const mode = rec.HostConfig.NetworkMode ?? 'bridge';
  if (mode === 'host') return undefined;
  const owner = mode.startsWith('container:') ? deps.containers.get(mode.slice('container:'.length)).Id : rec.Id;
  return deps.driver.sandboxUsernsPath(owner);
}

/** A container sharing another's pid or ipc namespace (`container:<x>`) must share x's user namespace (userns-remap). */
function usernsDonor(deps: NetworkDeps, rec: ContainerRecord): string | undefined {
  const mode = [rec.HostConfig.PidMode, rec.HostConfig.IpcMode].find((m) => m?.startsWith('container:'));
  if (mode === undefined || deps.driver.sandboxUsernsPath(rec.Id) === undefined) return undefined;
  return deps.containers.get(mode.slice('container:'.length)).Id;
}
