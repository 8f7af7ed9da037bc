import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerRecord } from '../core/containers.js';
import { criLabelsOf, matchesSelector, sandboxOf, toContainerLabels } from './container-labels.js';
import { rfc3339Nanos } from './container-status.js';
import { resourceFields } from './container-create.js';

const rec = (labels: Record<string, string>): ContainerRecord => ({ Config: { Labels: labels } }) as unknown as ContainerRecord;

test('CRI labels and annotations round-trip through container labels; berth’s own stay out of the view', () => {
  const labels = toContainerLabels({ app: 'web', 'io.kubernetes.pod.name': 'web' }, { 'example.com/a': '1' });
  const r = rec({ ...labels, 'io.kubernetes.sandbox.id': 'abc', 'io.kubernetes.docker.type': 'container', 'io.kubernetes.container.logpath': '/l' });
  assert.deepEqual(criLabelsOf(r), { labels: { app: 'web', 'io.kubernetes.pod.name': 'web' }, annotations: { 'example.com/a': '1' } });
  assert.equal(sandboxOf(r), 'abc');
  assert.equal(sandboxOf(rec({ 'io.kubernetes.sandbox.id': 'abc' })), undefined, 'not made through the CRI');
  assert.ok(matchesSelector({ a: '1', b: '2' }, { a: '1' }));
  assert.ok(!matchesSelector({ a: '1' }, { a: '1', b: '2' }));
  assert.ok(matchesSelector({}, undefined));
});

test('RFC 3339 times as nanoseconds since the epoch (exact), zero time as 0', () => {
  assert.equal(rfc3339Nanos('2026-12-07T12:51:33.184441049Z'), '1796647893184441049');
  assert.equal(rfc3339Nanos('2026-12-07T12:51:33Z'), '1796647893000000000');
  assert.equal(rfc3339Nanos('2026-12-07T13:51:33.5+01:00'), '1796647893500000000');
  assert.equal(rfc3339Nanos('0001-01-01T00:00:00Z'), '0');
  assert.equal(rfc3339Nanos(''), '0');
});

test('LinuxContainerResources as Docker fields: zero is unset, a memory limit brings no swap', () => {
  const none = {
    cpu_period: 0,
    cpu_quota: 0,
    cpu_shares: 0,
    memory_limit_in_bytes: 0,
    oom_score_adj: 0,
    cpuset_cpus: '',
    cpuset_mems: '',
    memory_swap_limit_in_bytes: 0,
  };
  assert.deepEqual(resourceFields(none), {});
  assert.deepEqual(resourceFields(null), {});
  assert.deepEqual(resourceFields({ ...none, cpu_shares: 512, cpu_quota: 50000, cpu_period: 100000, memory_limit_in_bytes: 1 << 26, cpuset_cpus: '0' }), {
    CpuShares: 512,
    CpuQuota: 50000,
    CpuPeriod: 100000,
    Memory: 1 << 26,
    MemorySwap: 1 << 26,
    CpusetCpus: '0',
  });
  assert.equal(resourceFields({ ...none, memory_limit_in_bytes: 100, memory_swap_limit_in_bytes: 50 }).MemorySwap, 150);
  assert.deepEqual(resourceFields({ ...none, cpu_quota: -1 }), {}, 'a negative quota (unlimited) is not a limit');
});
