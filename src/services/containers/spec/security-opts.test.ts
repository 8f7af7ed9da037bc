import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKind } from '../../../lib/errdefs.js';
import { securityOptions } from './security-opts.js';

test('parses SecurityOpt as dockerd does', () => {
  assert.deepEqual(securityOptions(null), { noNewPrivileges: false, seccomp: 'builtin', apparmor: '', labels: [], unmaskedSystemPaths: false });
  const o = securityOptions(['no-new-privileges', 'seccomp=unconfined', 'apparmor=docker-default', 'label=type:svirt_t', 'label:level:s0', 'disable']);
  assert.equal(o.noNewPrivileges, true);
  assert.equal(o.seccomp, 'unconfined');
  assert.equal(o.apparmor, 'docker-default');
  assert.deepEqual(o.labels, ['type:svirt_t', 'level:s0', 'disable']);
  assert.equal(securityOptions(['no-new-privileges=false']).noNewPrivileges, false);
  assert.equal(securityOptions(['no-new-privileges:true']).noNewPrivileges, true);
  assert.equal(securityOptions(['systempaths=unconfined']).unmaskedSystemPaths, true);
});

test("unknown or malformed options get Docker's messages", () => {
  const msg = (opt: string) => {
    try {
      securityOptions([opt]);
    } catch (err) {
      assert.ok(isKind(err, 'InvalidArgument'));
      return (err as Error).message;
    }
    return '';
  };
  assert.equal(msg('whatever'), 'invalid --security-opt 1: "whatever"');
  assert.equal(msg('foo=bar'), 'invalid --security-opt 2: "foo=bar"');
  assert.equal(msg('no-new-privileges=maybe'), 'invalid --security-opt 2: "no-new-privileges=maybe"');
});
