import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { NetworkRecord } from '../../core/network.js';
import { bridgePools, pluginsFor, portMappingsConfig } from './conflist.js';

const net = (extra: Partial<NetworkRecord> = {}): NetworkRecord => ({
  Name: 'app',
  Id: 'a'.repeat(64),
  Created: '',
  Scope: 'local',
  Driver: 'bridge',
  EnableIPv6: false,
  IPAM: { Driver: 'default', Options: null, Config: [{ Subnet: '10.5.0.0/24', Gateway: '10.5.0.1' }] },
  Internal: false,
  Attachable: false,
  Options: {},
  Labels: {},
  BridgeName: 'br-app',
  ...extra,
});

describe('conflist', () => {
  it('chains bridge and portmap (forwarding is per network, not a plugin per container)', () => {
    const plugins = pluginsFor(net(), { ipamDir: '/x/ipam' });
    assert.deepEqual(
      plugins.map((p) => p.type),
      ['bridge', 'portmap'],
    );
    const ipam = plugins[0]!.ipam as { ranges: unknown; routes: unknown; dataDir: string };
    assert.deepEqual(ipam.ranges, [[{ subnet: '10.5.0.0/24', gateway: '10.5.0.1' }]]);
    assert.deepEqual(ipam.routes, [{ dst: '0.0.0.0/0' }]);
    assert.equal(plugins[0]!.ipMasq, false);
  });

  it('an internal network gets no default route; an ip-range narrows the allocation', () => {
    const p = pluginsFor(
      net({ Internal: true, IPAM: { Driver: 'default', Options: null, Config: [{ Subnet: '10.5.0.0/24', Gateway: '10.5.0.1', IPRange: '10.5.0.128/25' }] } }),
      { ipamDir: '/x' },
    );
    const ipam = p[0]!.ipam as { ranges: Array<Array<Record<string, string>>>; routes: unknown };
    assert.deepEqual(ipam.routes, []);
    assert.equal(ipam.ranges[0]![0]!.rangeStart, '10.5.0.128');
    assert.equal(ipam.ranges[0]![0]!.rangeEnd, '10.5.0.254');
  });

  it('gateway defaults to the first address; 0.0.0.0 host IPs are left out of portmap', () => {
    assert.equal(bridgePools(net({ IPAM: { Driver: 'default', Options: null, Config: [{ Subnet: '10.6.0.0/16' }] } }))[0]!.gateway, '10.6.0.1');
    assert.deepEqual(portMappingsConfig([{ hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, protocol: 'tcp' }]), [
      { hostPort: 8080, containerPort: 80, protocol: 'tcp' },
    ]);
  });

  it('a dual-stack network gets a range set and a default route per family; fixed addresses go to host-local as args', () => {
    const dual = net({
      EnableIPv6: true,
      IPAM: { Driver: 'default', Options: null, Config: [{ Subnet: '10.5.0.0/24', Gateway: '10.5.0.1' }, { Subnet: 'fd42:5::/64' }] },
    });
    assert.deepEqual(
      bridgePools(dual).map((p) => [p.family, p.gateway, p.prefixLen]),
      [
        [4, '10.5.0.1', 24],
        [6, 'fd42:5::1', 64],
      ],
    );
    const [bridge] = pluginsFor(dual, { ipamDir: '/x' }, { IPv4Address: '10.5.0.9', IPv6Address: 'fd42:5::9' });
    const ipam = bridge!.ipam as { ranges: unknown; routes: unknown };
    assert.deepEqual(ipam.ranges, [[{ subnet: '10.5.0.0/24', gateway: '10.5.0.1' }], [{ subnet: 'fd42:5::/64', gateway: 'fd42:5::1' }]]);
    assert.deepEqual(ipam.routes, [{ dst: '0.0.0.0/0' }, { dst: '::/0' }]);
    assert.deepEqual(bridge!.args, { cni: { ips: ['10.5.0.9', 'fd42:5::9'] } });
    const v6only = net({
      EnableIPv6: true,
      EnableIPv4: false,
      IPAM: { Driver: 'default', Options: null, Config: [{ Subnet: 'fd42:6::/64', IPRange: 'fd42:6::/80' }] },
    });
    const r = (pluginsFor(v6only, { ipamDir: '/x' })[0]!.ipam as { ranges: Array<Array<Record<string, string>>> }).ranges;
    assert.deepEqual(r, [[{ subnet: 'fd42:6::/64', gateway: 'fd42:6::1', rangeStart: 'fd42:6::1', rangeEnd: 'fd42:6::ffff:ffff:ffff' }]]);
  });

  it('[::1] bindings are left to the userland proxy; [::] is every address, as 0.0.0.0', () => {
    assert.deepEqual(
      portMappingsConfig([
        { hostIp: '::1', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
        { hostIp: '::', hostPort: 8081, containerPort: 80, protocol: 'tcp' },
        { hostIp: '127.0.0.1', hostPort: 8082, containerPort: 80, protocol: 'tcp' },
      ]),
      [
        { hostPort: 8081, containerPort: 80, protocol: 'tcp' },
        { hostPort: 8082, containerPort: 80, protocol: 'tcp', hostIP: '127.0.0.1' },
      ],
    );
  });
});
