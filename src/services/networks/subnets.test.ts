import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { allocateSubnet, cidrString, contains, firstHost, overlaps, parseCidr, ulaPool } from './subnets.js';

describe('subnets', () => {
  it('parses, compares and allocates', () => {
    assert.equal(cidrString(parseCidr('10.1.2.3/16')), '10.1.0.0/16');
    assert.ok(overlaps(parseCidr('10.1.0.0/16'), parseCidr('10.1.5.0/24')));
    assert.ok(!overlaps(parseCidr('10.1.0.0/24'), parseCidr('10.1.1.0/24')));
    assert.ok(contains(parseCidr('10.1.0.0/24'), '10.1.0.77'));
    assert.ok(!contains(parseCidr('10.1.0.0/24'), '10.1.1.1'));
    const next = allocateSubnet([{ base: '10.2.0.0/16', size: 24 }], [parseCidr('10.2.0.0/24')]);
    assert.equal(next && cidrString(next), '10.2.1.0/24');
    assert.throws(() => parseCidr('10.1.0.0/33'), /invalid CIDR address/);
  });

  it('allocates IPv6 /64s from the IPv6 pools only', () => {
    const pools = [
      { base: '10.2.0.0/16', size: 24 },
      { base: 'fd42:1::/48', size: 64 },
    ];
    const used = [parseCidr('fd42:1::/64'), parseCidr('fd42:1:0:1::/64'), parseCidr('10.2.0.0/24')];
    const v6 = allocateSubnet(pools, used, 6);
    assert.equal(v6 && cidrString(v6), 'fd42:1:0:2::/64');
    assert.equal(firstHost(v6!), 'fd42:1:0:2::1');
    assert.equal(allocateSubnet([{ base: '10.2.0.0/16', size: 24 }], [], 6), undefined);
    assert.equal(allocateSubnet([{ base: 'fd42:1::/63', size: 64 }], [parseCidr('fd42:1::/63')], 6), undefined);
  });

  it("derives Docker's ULA pool from the engine ID", () => {
    // moby's TestDeriveULABaseNetwork vectors.
    assert.deepEqual(ulaPool(''), { base: 'fd42:98fc:1c14::/48', size: 64 });
    assert.deepEqual(ulaPool('499d4bc0-b0b3-416f-b1ee-cf6486315593'), { base: 'fd62:fb69:18af::/48', size: 64 });
  });
});
