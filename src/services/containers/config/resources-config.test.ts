import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HostConfig } from '../../../core/containers.js';
import { parseDeviceCgroupRule } from '../spec/devices.js';
import { checkHostResources } from './resources-config.js';

const V1 = { memorySwappiness: true, cpuRealtime: true };
const V2 = { memorySwappiness: false, cpuRealtime: false };

test('swappiness: kept on cgroup v1, range-checked; warned about and discarded where the host has none (cgroup v2)', () => {
  const hc: HostConfig = { MemorySwappiness: 10 };
  assert.deepEqual(checkHostResources(hc, V1), []);
  assert.equal(hc.MemorySwappiness, 10);
  assert.throws(() => checkHostResources({ MemorySwappiness: 101 }, V1), /Invalid value: 101, valid memory swappiness range is 0-100/);
  const v2: HostConfig = { MemorySwappiness: 10 };
  assert.deepEqual(checkHostResources(v2, V2), [
    'Your kernel does not support memory swappiness capabilities or the cgroup is not mounted. Memory swappiness discarded.',
  ]);
  assert.equal(v2.MemorySwappiness, null);
  assert.deepEqual(checkHostResources({ MemorySwappiness: -1 }, V2), []);
});

test('real-time scheduler: refused without the host files, runtime not above period', () => {
  assert.throws(() => checkHostResources({ CpuRealtimeRuntime: 5000 }, V2), { message: 'kernel does not support CPU real-time scheduler' });
  assert.throws(
    () => checkHostResources({ CpuRealtimePeriod: 5000, CpuRealtimeRuntime: 10000 }, V1),
    /cpu real-time runtime cannot be higher than cpu real-time period/,
  );
  assert.deepEqual(checkHostResources({ CpuRealtimePeriod: 1000, CpuRealtimeRuntime: 1000 }, V1), []);
});

test("device cgroup rules: Docker's grammar, `*` a wildcard", () => {
  assert.deepEqual(parseDeviceCgroupRule('c 1:3 mr'), { allow: true, type: 'c', major: 1, minor: 3, access: 'mr' });
  assert.deepEqual(parseDeviceCgroupRule('a *:* rwm'), { allow: true, type: 'a', access: 'rwm' });
  assert.deepEqual(parseDeviceCgroupRule('b 8:* w'), { allow: true, type: 'b', major: 8, access: 'w' });
  for (const bad of ['c 1:3', 'x 1:3 r', 'c 1:3 rwmx', 'c a:3 r', ' c 1:3 r']) {
    assert.throws(() => checkHostResources({ DeviceCgroupRules: [bad] }, V1), { message: `invalid device cgroup rule format: '${bad}'` });
  }
});
