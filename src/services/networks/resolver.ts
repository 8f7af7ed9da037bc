import type { ContainerRecord } from '../../core/containers.js';
import type { EndpointSettings, NetworkRecord } from '../../core/network.js';
import type { NameLookup } from './dns.js';
import { parseLink } from './links.js';
import type { NetworkDeps } from './deps.js';

/** Whether a network gets Docker's embedded DNS: user-defined bridge networks do, the default `bridge` does not. */
export function hasDns(net: NetworkRecord): boolean {
  return net.Driver === 'bridge' && net.Name !== 'bridge';
}

/** A recorded link (checked when it was recorded; a malformed one never throws in the DNS path). */
function linkOrNone(link: string): Array<{ name: string; alias: string }> {
  try {
    return [parseLink(link)];
  } catch {
    return [];
  }
}

/** A container's endpoint on `net` (the first network of `rec` with that ID). */
const endpointOn = (rec: ContainerRecord, netId: string): EndpointSettings | undefined =>
  Object.values(rec.NetworkSettings?.Networks ?? {}).find((e) => e.NetworkID === netId);

/**
 * The address of `name` on one network: the names, aliases, short IDs and hostnames of containers
 * with an address on it (also as `<name>.<network>`), and the asker's own links there (`--link
 * db:alias` on a user network is an alias of db that only the linking container resolves, as
 * Docker's endpoint aliases). An endpoint has an address from network set-up until teardown, so
 * a container's first process resolves names (its own too) before the record says "running".
 */
type Found = { v4: string; v6: string };

function addressOn(deps: Pick<NetworkDeps, 'containers'>, net: NetworkRecord, q: string, asker: ContainerRecord | undefined): Found | undefined {
  let name = q.endsWith(`.${net.Name.toLowerCase()}`) ? q.slice(0, -net.Name.length - 1) : q;
  const link = (asker && endpointOn(asker, net.Id)?.Links)?.flatMap(linkOrNone).find((l) => l.alias.toLowerCase() === name);
  if (link) name = link.name.toLowerCase();
  for (const c of deps.containers.all()) {
    const ep = endpointOn(c, net.Id);
    if (!ep?.IPAddress && !ep?.GlobalIPv6Address) continue;
    const names = [c.Name, c.Id.slice(0, 12), c.Config.Hostname ?? '', ...(ep.Aliases ?? [])].map((n) => n.toLowerCase());
    if (names.includes(name)) return { v4: ep.IPAddress, v6: ep.GlobalIPv6Address ?? '' };
  }
  return undefined;
}

/** Whether `ep` is the endpoint that asked from address `from`. */
const askedFrom = (ep: EndpointSettings | undefined, from: string): boolean => ep !== undefined && (ep.IPAddress === from || ep.GlobalIPv6Address === from);

/**
 * What the responder on `net` answers: as Docker's per-container resolver, the asker (known by
 * its address on `net`) resolves names on every DNS network it is on, this one first — a
 * container created on one network and connected to another (compose's services on two
 * networks, or a default-bridge container connected later) reaches both through one nameserver.
 * An unknown asker sees this network only.
 */
export function lookupOn(deps: Pick<NetworkDeps, 'containers' | 'store'>, net: NetworkRecord): NameLookup {
  return (q, from) => {
    const asker = deps.containers.all().find((c) => askedFrom(endpointOn(c, net.Id), from));
    const own = addressOn(deps, net, q, asker);
    if (own !== undefined || asker === undefined) return own;
    for (const ep of Object.values(asker.NetworkSettings?.Networks ?? {})) {
      const other = ep.NetworkID === net.Id || (!ep.IPAddress && !ep.GlobalIPv6Address) ? undefined : deps.store.find(ep.NetworkID);
      const found = other && hasDns(other) ? addressOn(deps, other, q, asker) : undefined;
      if (found !== undefined) return found;
    }
    return undefined;
  };
}

/**
 * Docker's forwarding policy: queries for names that are not containers leave the host only for
 * a container with external access. On an `--internal` network that is a container also
 * attached to a network that is not internal; any other asker (or an unknown address) gets no
 * forwarding.
 */
export function mayForwardOn(deps: Pick<NetworkDeps, 'containers' | 'store'>, net: NetworkRecord): (from: string) => boolean {
  if (!net.Internal) return () => true;
  return (from) => {
    const eps = deps.containers
      .all()
      .map((c) => Object.values(c.NetworkSettings?.Networks ?? {}))
      .find((e) => e.some((ep) => ep.NetworkID === net.Id && (ep.IPAddress === from || ep.GlobalIPv6Address === from)));
    return (eps ?? []).some((ep) => ep.NetworkID !== net.Id && (ep.IPAddress || ep.GlobalIPv6Address) && deps.store.find(ep.NetworkID)?.Internal === false);
  };
}

export async function startResponder(deps: NetworkDeps, net: NetworkRecord): Promise<void> {
  if (!hasDns(net)) return;
  // The gateway of the bridge's first family: IPv4, or IPv6 on an IPv6-only network.
  const gw = net.EnableIPv4 === false ? net.IPAM.Config.find((c) => c.Subnet.includes(':'))?.Gateway : net.IPAM.Config[0]?.Gateway;
  if (gw) await deps.dns.start(net.Id, gw, lookupOn(deps, net), mayForwardOn(deps, net));
}
