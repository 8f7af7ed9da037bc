import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { allocateSubnet, cidrString, contains, overlaps, parseCidr } from './subnets.js';

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
});
