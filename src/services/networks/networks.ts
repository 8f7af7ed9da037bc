import type { IpamPool, NetworkRecord } from '../../core/network.js';
import { BerthError, conflict, invalidArgument, notFound } from '../../lib/errdefs.js';
import { randomId } from '../../lib/digest.js';
import { matchLabels, type Filters } from '../../lib/filters.js';
import { nowRfc3339Nano } from '../../lib/time.js';
import { crashPoint } from '../../lib/crash-point.js';
import { parseUntil } from '../../lib/until.js';
import { activeEndpoints, BUILTIN, type NetworkDeps } from './deps.js';
import { startResponder } from './resolver.js';
import { bridgeNameError } from './bridge-name.js';
import { allocateSubnet, cidrString, contains, firstHost, isIpv4, isIpv6, overlaps, parseCidr, type Cidr } from './subnets.js';
import type { NetworkCreateRequest } from '../../core/network.js';

const forbidden = (msg: string): BerthError => new BerthError('Forbidden', msg);

export const LIST_FILTERS = ['name', 'id', 'label', 'driver', 'type', 'scope', 'dangling'];
export const PRUNE_FILTERS = ['label', 'until'];
export type { NetworkCreateRequest };

export const BRIDGE_NAME_OPTION = 'com.docker.network.bridge.name';

/** Intent kinds (lib/intents): the network record, written before the bridge is made or removed. */
export const CREATE_INTENT = 'network-create';
export const REMOVE_INTENT = 'network-remove';

function usedSubnets(deps: NetworkDeps): Cidr[] {
  return deps.store.all().flatMap((n) => n.IPAM.Config.map((c) => parseCidr(c.Subnet)));
}

type IpamRequest = NonNullable<NonNullable<NetworkCreateRequest['IPAM']>['Config']>[number];

/**
 * The network's pools: each one asked for, checked, and a subnet from the default pools for an
 * enabled family that none was asked for (IPv4 unless `EnableIPv4` is false; IPv6 with `EnableIPv6`).
 */
function resolvePools(deps: NetworkDeps, req: NetworkCreateRequest, families: { v4: boolean; v6: boolean }): IpamPool[] {
  const used = usedSubnets(deps);
  const out: Array<[Cidr, IpamPool]> = [];
  const add = (asked: IpamRequest | undefined, family: 4 | 6): void => {
    const [subnet, pool] = resolvePool(deps.pools, used, asked, family);
    used.push(subnet);
    out.push([subnet, pool]);
  };
  for (const asked of req.IPAM?.Config ?? []) add(asked, asked.Subnet ? parseCidr(asked.Subnet).family : asked.Gateway && isIpv6(asked.Gateway) ? 6 : 4);
  if (families.v4 && !out.some(([c]) => c.family === 4)) add(undefined, 4);
  if (families.v6 && !out.some(([c]) => c.family === 6)) add(undefined, 6);
  return out.sort(([a], [b]) => a.family - b.family).map(([, p]) => p);
}

/** Validates one IPAM request (or picks a free subnet of the family from the pools) into one concrete pool. */
function resolvePool(pools: NetworkDeps['pools'], used: Cidr[], asked: IpamRequest | undefined, family: 4 | 6): [Cidr, IpamPool] {
  let subnet: Cidr;
  if (asked?.Subnet) {
    subnet = parseCidr(asked.Subnet);
    if (used.some((u) => overlaps(u, subnet))) throw forbidden('invalid pool request: Pool overlaps with other one on this address space');
  } else {
    const free = allocateSubnet(pools, used, family);
    if (free === undefined)
      throw forbidden(`could not find an available, non-overlapping IPv${family} address pool among the defaults to assign to the network`);
    subnet = free;
  }
  const pool: IpamPool = { Subnet: cidrString(subnet), Gateway: firstHost(subnet) };
  if (asked?.Gateway) {
    if (!(family === 4 ? isIpv4 : isIpv6)(asked.Gateway) || !contains(subnet, asked.Gateway))
      throw invalidArgument(`no matching subnet for gateway ${asked.Gateway}`);
    pool.Gateway = asked.Gateway;
  }
  if (asked?.IPRange) {
    const range = parseCidr(asked.IPRange);
    if (range.len < subnet.len || !overlaps(subnet, range)) throw invalidArgument(`no matching subnet for range ${asked.IPRange}`);
    pool.IPRange = cidrString(range);
  }
  return [subnet, pool];
}

/**
 * An IPv6 subnet asked for that overlaps a prefix on one of the host's own interfaces is refused:
 * the bridge's gateway address and route would take over the host's (`--subnet fd00::/64` on a
 * host whose uplink is fd00::/64 cuts the host off its IPv6 router).
 */
async function refuseHostIpv6Subnets(deps: NetworkDeps, req: NetworkCreateRequest): Promise<void> {
  const asked = (req.IPAM?.Config ?? []).filter((c) => c.Subnet && isIpv6(c.Subnet.split('/')[0]!)).map((c) => parseCidr(c.Subnet!));
  if (asked.length === 0) return;
  for (const h of await deps.driver.hostIpv6Prefixes()) {
    const hit = asked.find((c) => overlaps(c, parseCidr(h.prefix)));
    if (hit) throw forbidden(`invalid pool request: Pool ${cidrString(hit)} overlaps with the host's ${h.prefix} on ${h.dev}`);
  }
}

export function createNetwork(deps: NetworkDeps, req: NetworkCreateRequest): Promise<{ Id: string; Warning: string }> {
  return deps.store.exclusive(() => create(deps, req));
}

async function create(deps: NetworkDeps, req: NetworkCreateRequest): Promise<{ Id: string; Warning: string }> {
  if (!req.Name) throw invalidArgument('network name must not be empty');
  const driver = req.Driver || 'bridge';
  if (deps.store.all().some((n) => n.Name === req.Name)) throw conflict(`network with name ${req.Name} already exists`);
  if (driver === 'host' || driver === 'null') throw forbidden(`only one instance of "${driver}" network is allowed`);
  if (driver !== 'bridge') throw notFound(`plugin "${driver}" not found`);
  const id = randomId();
  const options = { ...(req.Options ?? {}) };
  const bridge = options[BRIDGE_NAME_OPTION] || `br-${id.slice(0, 12)}`;
  const badName = bridgeNameError(bridge);
  if (badName !== undefined) throw invalidArgument(badName);
  if (deps.store.all().some((n) => n.BridgeName === bridge)) throw conflict(`bridge name ${bridge} is already in use`);
  const families = { v4: req.EnableIPv4 !== false, v6: req.EnableIPv6 === true };
  if (!families.v4 && !families.v6) throw invalidArgument('IPv4 or IPv6 must be enabled');
  if (families.v6) await refuseHostIpv6Subnets(deps, req);
  const rec: NetworkRecord = {
    Name: req.Name,
    Id: id,
    Created: nowRfc3339Nano(),
    Scope: 'local',
    Driver: 'bridge',
    EnableIPv4: families.v4,
    EnableIPv6: families.v6,
    IPAM: { Driver: 'default', Options: req.IPAM?.Options ?? {}, Config: resolvePools(deps, req, families) },
    Internal: req.Internal === true,
    Attachable: req.Attachable === true,
    Options: options,
    Labels: req.Labels ?? {},
    BridgeName: bridge,
  };
  // Intent first: a crash after the bridge is made and before the record is saved leaves an
  // intent that start-up rolls back (the bridge would otherwise hold a subnet nobody knows of).
  // A create that fails half-way leaves nothing: no bridge, no record, no responder.
  await deps.intents.begin(CREATE_INTENT, id, rec);
  try {
    await deps.driver.ensureNetwork(rec);
    crashPoint('network-create:bridge');
    await deps.store.save(rec);
    await deps.intents.end(CREATE_INTENT, id);
    await startResponder(deps, rec);
  } catch (err) {
    deps.dns.stop(id);
    await deps.store.delete(id);
    await deps.driver.removeNetwork(rec);
    await deps.intents.end(CREATE_INTENT, id);
    throw err;
  }
  deps.events.publish('network', 'create', id, { name: rec.Name, type: 'bridge' });
  return { Id: id, Warning: '' };
}

export function listNetworks(deps: NetworkDeps, f: Filters): NetworkRecord[] {
  return deps.store.all().filter((n) => {
    const names = f.get('name');
    if (names && !names.some((v) => n.Name.includes(v))) return false;
    const ids = f.get('id');
    if (ids && !ids.some((v) => n.Id.startsWith(v))) return false;
    if (f.has('label') && !matchLabels(n.Labels, f.get('label')!)) return false;
    const drivers = f.get('driver');
    if (drivers && !drivers.includes(n.Driver)) return false;
    const types = f.get('type');
    if (types && !types.includes(BUILTIN.has(n.Name) ? 'builtin' : 'custom')) return false;
    const dangling = f.get('dangling');
    if (dangling && ['true', '1'].includes(dangling[0]!) !== (!BUILTIN.has(n.Name) && activeEndpoints(deps, n.Id).length === 0)) return false;
    return true;
  });
}

export function removeNetwork(deps: NetworkDeps, ref: string): Promise<void> {
  return deps.store.exclusive(() => remove(deps, ref));
}

async function remove(deps: NetworkDeps, ref: string): Promise<void> {
  const net = deps.store.get(ref);
  if (BUILTIN.has(net.Name)) throw forbidden(`${net.Name} is a pre-defined network and cannot be removed`);
  const users = activeEndpoints(deps, net.Id);
  if (users.length > 0) {
    const list = users.map((c) => `name:"${c.Name}" id:"${c.Id.slice(0, 12)}"`).join(', ');
    throw forbidden(`error while removing network: network ${net.Name} has active endpoints (${list})`);
  }
  deps.dns.stop(net.Id);
  await deps.containers.settled(); // removed containers' endpoints on it are released
  await deps.intents.begin(REMOVE_INTENT, net.Id, net);
  await deps.driver.removeNetwork(net);
  crashPoint('network-rm:bridge');
  await deps.store.delete(net.Id);
  await deps.intents.end(REMOVE_INTENT, net.Id);
  deps.events.publish('network', 'destroy', net.Id, { name: net.Name, type: net.Driver });
}

export async function pruneNetworks(deps: NetworkDeps, f: Filters): Promise<{ NetworksDeleted: string[] }> {
  const until = f.get('until')?.[0];
  const untilMs = until === undefined ? undefined : parseUntil(until);
  const deleted: string[] = [];
  for (const n of deps.store.all()) {
    if (BUILTIN.has(n.Name) || activeEndpoints(deps, n.Id).length > 0) continue;
    if (f.has('label') && !matchLabels(n.Labels, f.get('label')!)) continue;
    if (untilMs !== undefined && Date.parse(n.Created) >= untilMs) continue;
    await removeNetwork(deps, n.Id);
    deleted.push(n.Name);
  }
  return { NetworksDeleted: deleted };
}
