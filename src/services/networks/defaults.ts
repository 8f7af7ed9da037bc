import type { NetworkRecord } from '../../core/network.js';
import { randomId } from '../../lib/digest.js';
import { nowRfc3339Nano } from '../../lib/time.js';
import type { NetworkDeps } from './deps.js';
import { BRIDGE_NAME_OPTION } from './networks.js';
import { bridgeNameError } from './bridge-name.js';
import { invalidArgument } from '../../lib/errdefs.js';
import { startResponder } from './resolver.js';
import { cidrString, parseCidr } from './subnets.js';

export interface DefaultBridge {
  /** The bridge device (`--bridge`, daemon.json `bridge`). */
  name: string;
  /** Gateway address with prefix (`--bip`, daemon.json `bip`), e.g. `10.89.0.1/24`. */
  bip: string;
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
  bridge.IPAM = { Driver: 'default', Options: null, Config: [{ Subnet: subnet, Gateway: gateway }] };
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
