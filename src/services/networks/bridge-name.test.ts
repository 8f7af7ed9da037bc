import { it } from 'node:test';
import assert from 'node:assert/strict';
import { bridgeNameError } from './bridge-name.js';

it('accepts interface names the kernel and iptables read as themselves', () => {
  for (const ok of ['berth0', 'br-0123456789ab', 'docker_gwbridge'.slice(0, 15), 'a', 'x.y', 'br_1-2']) assert.equal(bridgeNameError(ok), undefined, ok);
});

it('refuses wildcards, invalid Linux names and option-like names', () => {
  const cases: [string, RegExp][] = [
    ['eth+', /"\+" is an iptables wildcard/],
    ['+', /wildcard/],
    ['a+b', /wildcard/],
    ['', /empty/],
    ['.', /not an interface name/],
    ['..', /not an interface name/],
    ['abcdefghijklmnop', /longer than 15 characters/],
    ['bridgé-namé-xyz', /longer than 15 characters/],
    ['a/b', /"\/" is not allowed/],
    ['a b', /" " is not allowed/],
    ['a\tb', /is not allowed/],
    ['a:1', /":" is not allowed/],
    ['br%d', /"%" is not allowed/],
    ['a\u0001', /is not allowed/],
    ['-br', /may not start with "-"/],
    ['!br', /may not start with "!"/],
  ];
  for (const [name, re] of cases) assert.match(bridgeNameError(name) ?? 'accepted', re, JSON.stringify(name));
});
