import type { NetworkRecord } from '../../core/network.js';
import type { NetworkDeps } from './deps.js';
import type { NameLookup } from './dns.js';

/** Whether a network gets Docker's embedded DNS: user-defined bridge networks do, the default `bridge` does not. */
export function hasDns(net: NetworkRecord): boolean {
  return net.Driver === 'bridge' && net.Name !== 'bridge';
}

/**
 * The name → address lookup of one network: the names, aliases, short IDs and hostnames of
 * containers with an address on it (also as `<name>.<network>`). An endpoint has an address from
 * network set-up until teardown, so a container's first process resolves names (its own too)
 * before the record says "running".
 */
export function lookupOn(deps: Pick<NetworkDeps, 'containers'>, net: NetworkRecord): NameLookup {
  return (q) => {
    const name = q.endsWith(`.${net.Name.toLowerCase()}`) ? q.slice(0, -net.Name.length - 1) : q;
    for (const c of deps.containers.all()) {
      const ep = Object.values(c.NetworkSettings?.Networks ?? {}).find((e) => e.NetworkID === net.Id);
      if (!ep?.IPAddress && !ep?.GlobalIPv6Address) continue;
      const names = [c.Name, c.Id.slice(0, 12), c.Config.Hostname ?? '', ...(ep.Aliases ?? [])].map((n) => n.toLowerCase());
      if (names.includes(name)) return { v4: ep.IPAddress, v6: ep.GlobalIPv6Address ?? '' };
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
