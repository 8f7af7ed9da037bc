import assert from 'node:assert/strict';
import { test } from 'node:test';
import { subnetStatuses } from './network-status.js';

test('subnetStatuses: network, broadcast, gateway and live addresses are in use (Docker: 5 and 65531 for two containers on a /16)', () => {
  const pools = [{ Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }];
  assert.deepEqual(subnetStatuses(pools, ['172.18.0.2', '172.18.0.3']), { '172.18.0.0/16': { IPsInUse: 5, DynamicIPsAvailable: 65531 } });
  assert.deepEqual(subnetStatuses(pools, []), { '172.18.0.0/16': { IPsInUse: 3, DynamicIPsAvailable: 65533 } });
});

test('subnetStatuses: an IPRange bounds the dynamic addresses; other subnets and IPv6 are not counted here', () => {
  const pools = [
    { Subnet: '10.9.0.0/24', Gateway: '10.9.0.1', IPRange: '10.9.0.128/25' },
    { Subnet: 'fd00::/64', Gateway: 'fd00::1' },
  ];
  assert.deepEqual(subnetStatuses(pools, ['10.9.0.130', '10.9.0.5', '192.168.1.1']), { '10.9.0.0/24': { IPsInUse: 5, DynamicIPsAvailable: 126 } });
});
