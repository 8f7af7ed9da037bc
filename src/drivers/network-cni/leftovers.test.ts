import assert from 'node:assert/strict';
import { test } from 'node:test';
import { portsOfDnatRules, ruleWords } from './leftovers.js';

test('ruleWords unquotes iptables -S arguments', () => {
  const line = '-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"berth-0123456789ab\\" id: \\"abc\\"" -m multiport --dports 8080 -j CNI-DN-1';
  assert.deepEqual(ruleWords(line), [
    '-A',
    'CNI-HOSTPORT-DNAT',
    '-p',
    'tcp',
    '-m',
    'comment',
    '--comment',
    'dnat name: "berth-0123456789ab" id: "abc"',
    '-m',
    'multiport',
    '--dports',
    '8080',
    '-j',
    'CNI-DN-1',
  ]);
});

test('portsOfDnatRules finds the host ports of DNAT rules, whoever made them', () => {
  const listing = [
    '-P PREROUTING ACCEPT',
    '-N CNI-DN-1',
    '-A CNI-DN-1 -s 10.0.0.0/24 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK',
    '-A CNI-DN-1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.0.0.2:80',
    '-A DOCKER ! -i docker0 -p udp -m udp --dport 53 -j DNAT --to-destination 172.17.0.2:53',
    '-A OTHER -p tcp -m multiport --dports 9000,9100:9102 -j DNAT --to-destination 10.1.0.2',
    '-A POSTROUTING -s 10.0.0.0/24 ! -o br0 -j MASQUERADE',
    '-A CNI-HOSTPORT-DNAT -p tcp -m multiport --dports 7000 -j CNI-DN-1',
  ].join('\n');
  assert.deepEqual([...portsOfDnatRules(listing)].sort(), ['tcp/8080', 'tcp/9000', 'tcp/9100', 'tcp/9101', 'tcp/9102', 'udp/53']);
});
