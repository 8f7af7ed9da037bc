import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKind } from '../../../lib/errdefs.js';
import type { HostConfig } from '../../../core/containers.js';
import { ID, context, emptySpec } from './fixture.js';
import { cgroupParentPath, cpuResources, withCgroupsPath, withResources } from './resources.js';

const MiB = 1024 * 1024;

function resources(hc: HostConfig) {
  const spec = emptySpec();
  withResources(spec, context({}, hc));
  return spec.linux!.resources!;
}

const invalid = (hc: HostConfig, message: RegExp) =>
  assert.throws(
    () => resources(hc),
    (err) => isKind(err, 'InvalidArgument') && message.test(err.message),
  );

test('cgroupsPath is absolute /berth/<id>', () => {
  const spec = emptySpec();
  withCgroupsPath(spec, context());
  assert.equal(spec.linux!.cgroupsPath, `/berth/${ID}`);
});

test('CgroupParent: a cgroupfs path as given (made absolute), a systemd slice expanded as systemd nests it', () => {
  const spec = emptySpec();
  withCgroupsPath(spec, context({}, { CgroupParent: '/kubepods/burstable/pod1' }));
  assert.equal(spec.linux!.cgroupsPath, `/kubepods/burstable/pod1/${ID}`);
  assert.equal(cgroupParentPath(''), '/berth');
  assert.equal(cgroupParentPath(undefined), '/berth');
  assert.equal(cgroupParentPath('pods//a/'), '/pods/a');
  assert.equal(cgroupParentPath('kubepods-burstable-pod1.slice'), '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice');
  assert.equal(cgroupParentPath('machine.slice'), '/machine.slice');
  for (const bad of ['/a/../../etc', 'a--b.slice'])
    assert.throws(
      () => cgroupParentPath(bad),
      (err) => isKind(err, 'InvalidArgument'),
      bad,
    );
});

test('no limits → no resource entries', () => {
  assert.deepEqual(resources({ PidsLimit: null, Memory: 0, NanoCpus: 0 }), {});
});

test('memory and Docker swap semantics', () => {
  assert.deepEqual(resources({ Memory: 64 * MiB }).memory, { limit: 64 * MiB, swap: 128 * MiB });
  assert.deepEqual(resources({ Memory: 64 * MiB, MemorySwap: -1 }).memory, { limit: 64 * MiB, swap: -1 });
  assert.deepEqual(resources({ Memory: 64 * MiB, MemorySwap: 64 * MiB }).memory, { limit: 64 * MiB, swap: 64 * MiB });
  assert.deepEqual(resources({ Memory: 64 * MiB, MemorySwap: 100 * MiB }).memory, { limit: 64 * MiB, swap: 100 * MiB });
  assert.equal(resources({ MemorySwap: -1 }).memory, undefined);
});

test('memory validation', () => {
  invalid({ Memory: 1 * MiB }, /Minimum memory limit allowed is 6MB/);
  invalid({ Memory: 64 * MiB, MemorySwap: 32 * MiB }, /memoryswap limit should be larger/);
  invalid({ MemorySwap: 64 * MiB }, /always set the Memory limit/);
});

test('--cpus becomes quota over a 100ms period', () => {
  assert.deepEqual(cpuResources({ NanoCpus: 1.5e9 }, 4), { period: 100000, quota: 150000 });
  assert.deepEqual(cpuResources({ NanoCpus: 0.5e9 }, 4), { period: 100000, quota: 50000 });
  assert.deepEqual(cpuResources({ NanoCpus: 1e7 }, 4), { period: 100000, quota: 1000 });
});

test('shares, explicit quota/period and cpuset pass through', () => {
  assert.deepEqual(resources({ CpuShares: 512, CpuQuota: 50000, CpuPeriod: 200000, CpusetCpus: '0-1' }).cpu, {
    shares: 512,
    period: 200000,
    quota: 50000,
    cpus: '0-1',
  });
});

test('cpu validation', () => {
  invalid({ NanoCpus: 1e9, CpuQuota: 50000 }, /Nano CPUs and CPU Quota/);
  invalid({ NanoCpus: 1e9, CpuPeriod: 50000 }, /Nano CPUs and CPU Period/);
  invalid({ CpuQuota: 500 }, /cfs quota/);
  invalid({ CpuPeriod: 500 }, /cfs period/);
  assert.throws(() => cpuResources({ NanoCpus: 8e9 }, 4), /Range of CPUs is from 0.01 to 4.00/);
  assert.throws(() => cpuResources({ NanoCpus: 1e6 }, 4), /Range of CPUs/);
});

test('pids limit only when positive', () => {
  assert.deepEqual(resources({ PidsLimit: 100 }).pids, { limit: 100 });
  assert.equal(resources({ PidsLimit: -1 }).pids, undefined);
  assert.equal(resources({ PidsLimit: 0 }).pids, undefined);
});

test('device rules set by another option are kept', () => {
  const spec = emptySpec();
  spec.linux = { resources: { devices: [{ allow: false, type: 'a', access: 'rwm' }] } };
  withResources(spec, context({}, { Memory: 64 * MiB }));
  assert.equal(spec.linux.resources!.devices!.length, 1);
  assert.equal(spec.linux.resources!.memory!.limit, 64 * MiB);
});
