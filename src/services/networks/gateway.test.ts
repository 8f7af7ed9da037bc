import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { EndpointSettings, NetworkRecord } from '../../core/network.js';
import { gatewayEndpoint } from './gateway.js';

const ep = (GwPriority?: number): EndpointSettings => ({
  NetworkID: '',
  EndpointID: '',
  Gateway: '',
  IPAddress: '',
  IPPrefixLen: 0,
  MacAddress: '',
  GwPriority,
});
const net = (Name: string, Internal = false): NetworkRecord =>
  ({ Name, Id: Name, Driver: 'bridge', Internal, IPAM: { Driver: 'default', Options: null, Config: [] } }) as unknown as NetworkRecord;

describe('gatewayEndpoint', () => {
  it('the highest GwPriority wins, whatever the order or name', () => {
    const chosen = gatewayEndpoint([
      [ep(0), net('alpha')],
      [ep(5), net('zeta')],
      [ep(-1), net('beta')],
    ]);
    assert.equal(chosen?.[1].Name, 'zeta');
  });

  it('ties go to a network that is not internal, then to the first name', () => {
    assert.equal(
      gatewayEndpoint([
        [ep(), net('alpha', true)],
        [ep(), net('zeta')],
        [ep(), net('mid')],
      ])?.[1].Name,
      'mid',
    );
  });

  it('a negative priority loses to the default; internal networks alone give no default route', () => {
    assert.equal(
      gatewayEndpoint([
        [ep(-10), net('alpha')],
        [ep(), net('zeta')],
      ])?.[1].Name,
      'zeta',
    );
    assert.equal(gatewayEndpoint([[ep(9), net('only', true)]]), undefined);
    assert.equal(
      gatewayEndpoint([
        [ep(9), net('inside', true)],
        [ep(), net('outside')],
      ])?.[1].Name,
      'outside',
    );
    assert.equal(gatewayEndpoint([]), undefined);
  });
});
