import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKind } from '../../lib/errdefs.js';
import { deviceMountOf, validateVolumeName } from './options.js';

test('volume names follow the local driver rules', () => {
  validateVolumeName('pgdata');
  validateVolumeName('a.b_c-1');
  for (const bad of ['a', 'a/b', '-x', '', 'x y'])
    assert.throws(
      () => validateVolumeName(bad),
      (e) => isKind(e, 'InvalidArgument'),
    );
});

test('local driver options: plain dir, tmpfs, bind; unknown keys refused', () => {
  assert.equal(deviceMountOf(undefined), undefined);
  assert.equal(deviceMountOf({}), undefined);
  assert.deepEqual(deviceMountOf({ type: 'tmpfs', device: 'tmpfs', o: 'size=1m' }), { type: 'tmpfs', device: 'tmpfs', options: 'size=1m' });
  assert.deepEqual(deviceMountOf({ type: 'none', device: '/srv', o: 'bind' }), { type: 'none', device: '/srv', options: 'bind' });
  assert.throws(() => deviceMountOf({ foo: 'x' }), /invalid option: "foo"/);
  assert.throws(() => deviceMountOf({ type: 'tmpfs' }), /device/);
});
