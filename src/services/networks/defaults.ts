import type { IpamPool, NetworkRecord } from '../../core/network.js';
import { randomId } from '../../lib/digest.js';
import { nowRfc3339Nano } from '../../lib/time.js';
import type { NetworkDeps } from './deps.js';
import { BRIDGE_NAME_OPTION } from './networks.js';
import { bridgeNameError } from './bridge-name.js';
import { invalidArgument } from '../../lib/errdefs.js';
import { startResponder } from './resolver.js';
import { allocateSubnet, cidrString, firstHost, parseCidr } from './subnets.js';

export interface DefaultBridge {
  /** The bridge device (`--bridge`, daemon.json `bridge`). */
  name: string;
  /** Gateway address with prefix (`--bip`, daemon.json `bip`), e.g. `10.89.0.1/24`. */
  bip: string;
  /** daemon.json `ipv6`: the default bridge gets IPv6 too, on `fixed-cidr-v6` (else a subnet of the pools, kept across starts). */
  ipv6?: boolean;
  fixedCidrV6?: string;
}

/** The default bridge's IPv6 pool: `fixed-cidr-v6`, else the one it had, else a free one of the pools. */
function defaultV6Pool(deps: NetworkDeps, def: DefaultBridge, had: IpamPool | undefined, self: string | undefined): IpamPool {
  if (def.fixedCidrV6) {
    const c = parseCidr(def.fixedCidrV6);
    return { Subnet: cidrString(c), Gateway: firstHost(c) };
  }
  if (had) return had;
  const used = deps.store
    .all()
    .filter((n) => n.Id !== self)
    .flatMap((n) => n.IPAM.Config.map((c) => parseCidr(c.Subnet)));
  const free = allocateSubnet(deps.pools, used, 6);
  if (free === undefined)
    throw invalidArgument('could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the default bridge network');
  return { Subnet: cidrString(free), Gateway: firstHost(free) };
}

function record(name: string, driver: NetworkRecord['Driver'], extra: Partial<NetworkRecord> = {}): NetworkRecord {
  return {
    Name: name,
    Id: randomId(),
    Created: nowRfc3339Nano(),
    Scope: 'local',
    Driver: driver,
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: null, Config: [] },
    Internal: false,
    Attachable: false,
    Options: {},
    Labels: {},
    ...extra,
  };
}

/**
 * The three built-in networks (`bridge`, `host`, `none`), created on first start; the `bridge`
 * network follows the daemon's `bip`/`bridge` settings on every start. Then every bridge network's
 * Linux bridge is created up front (so no container start pays for it) and user networks get
 * their DNS responders.
 */
export async function ensureDefaultNetworks(deps: NetworkDeps, def: DefaultBridge): Promise<void> {
  const [gw, len] = def.bip.split('/');
  const subnet = cidrString(parseCidr(`${gw}/${len ?? '16'}`));
  const gateway = gw!;
  const existing = deps.store.find('bridge');
  // Bridges an older berth made, before bridges carried their network's mark: the default bridge
  // under the name it still has, a user network's under the name berth gave it (`br-<id>`). Any
  // other unmarked interface may be the host's own.
  const legacy = new Set(
    deps.store
      .all()
      .filter((n) => n.BridgeName === (n.Id === existing?.Id ? def.name : `br-${n.Id.slice(0, 12)}`))
      .map((n) => n.Id),
  );
  const bridge = existing ?? record('bridge', 'bridge');
  const before = JSON.stringify(bridge);
  const hadV6 = bridge.IPAM.Config.find((c) => c.Subnet.includes(':'));
  const v6 = def.ipv6 ? [defaultV6Pool(deps, def, hadV6, existing?.Id)] : [];
  bridge.EnableIPv6 = v6.length > 0;
  bridge.IPAM = { Driver: 'default', Options: null, Config: [{ Subnet: subnet, Gateway: gateway }, ...v6] };
  bridge.BridgeName = def.name;
  bridge.Options = {
    'com.docker.network.bridge.default_bridge': 'true',
    'com.docker.network.bridge.enable_icc': 'true',
    'com.docker.network.bridge.enable_ip_masquerade': 'true',
    'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
    [BRIDGE_NAME_OPTION]: def.name,
    'com.docker.network.driver.mtu': '1500',
  };
  // Written only when it changed: a start writes nothing it need not (a full disk must not stop it).
  if (existing === undefined || JSON.stringify(bridge) !== before) await deps.store.save(bridge);
  if (!deps.store.find('host')) await deps.store.save(record('host', 'host'));
  if (!deps.store.find('none')) await deps.store.save(record('none', 'null'));
  for (const net of deps.store.all()) {
    if (net.Driver !== 'bridge') continue;
    // The default bridge must come up (berthd does not start without it); a user network an older
    // berth stored with a bridge it should have refused (`eth+`, a host interface) is left down.
    try {
      const bad = bridgeNameError(net.BridgeName ?? '');
      if (bad !== undefined) throw invalidArgument(bad);
      await deps.driver.ensureNetwork(net, { adoptUnmarked: legacy.has(net.Id) });
    } catch (err) {
      if (net.Id === bridge.Id) throw err;
      deps.log(`WARNING: network ${net.Name} is left down: ${(err as Error).message}`);
      continue;
    }
    await startResponder(deps, net).catch((err: Error) => deps.log(`dns for network ${net.Name}: ${err.message}`));
  }
}
