import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { cidrString, contains, formatIp, overlaps, parseCidr, parseIp } from './ip.js';

const fmt = (s: string): string => formatIp(parseIp(s)!);

describe('ip', () => {
  it('parses and prints IPv4 as Go does', () => {
    assert.equal(fmt('10.1.2.3'), '10.1.2.3');
    assert.equal(parseIp('10.1.2.256'), undefined);
    assert.equal(parseIp('10.01.2.3'), undefined);
    assert.equal(parseIp('10.1.2'), undefined);
  });

  it('parses and prints IPv6 in RFC 5952 form', () => {
    assert.equal(fmt('FD00:0:0:0:0:0:0:1'), 'fd00::1');
    assert.equal(fmt('::'), '::');
    assert.equal(fmt('::1'), '::1');
    assert.equal(fmt('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
    assert.equal(fmt('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1');
    assert.equal(fmt('fe80::'), 'fe80::');
    assert.equal(fmt('::ffff:10.0.0.1'), '::ffff:a00:1');
    for (const bad of ['1::2::3', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '12345::', 'fd00::g', ':', '1:2:3:4:5:6:7::8'])
      assert.equal(parseIp(bad), undefined, bad);
  });

  it('masks, contains and overlaps per family', () => {
    assert.equal(cidrString(parseCidr('fd42:1:2:3:4::9/64')!), 'fd42:1:2:3::/64');
    assert.equal(cidrString(parseCidr('10.1.2.3/16')!), '10.1.0.0/16');
    assert.equal(parseCidr('fd00::/129'), undefined);
    assert.equal(parseCidr('10.0.0.0/33'), undefined);
    assert.ok(contains(parseCidr('fd42::/64')!, parseIp('fd42::abcd')!));
    assert.ok(!contains(parseCidr('fd42::/64')!, parseIp('fd42:0:0:1::1')!));
    assert.ok(!contains(parseCidr('0.0.0.0/0')!, parseIp('::1')!));
    assert.ok(overlaps(parseCidr('fd42::/48')!, parseCidr('fd42:0:0:7::/64')!));
    assert.ok(!overlaps(parseCidr('fd42::/48')!, parseCidr('fd42:0:7::/64')!));
    assert.ok(!overlaps(parseCidr('fd42::/64')!, parseCidr('fd42:0:0:1::/64')!));
    assert.ok(!overlaps(parseCidr('0.0.0.0/0')!, parseCidr('::/0')!));
  });
});
