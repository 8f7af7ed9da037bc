import { Counter, Gauge, type Registry } from 'prom-client';
import type { ContainerStatus } from '../core/containers.js';
import type { ContainerSample, ContainerSampler } from './container-sample.js';

const STATES: ContainerStatus[] = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];
const HEALTH = ['none', 'starting', 'healthy', 'unhealthy'];
const LABELS = ['id', 'name', 'image'] as const;

type Labels = Record<(typeof LABELS)[number], string>;
const labelsOf = (s: ContainerSample): Labels => ({ id: s.rec.Id, name: s.rec.Name, image: s.rec.ImageRef });

/** A metric whose values are all read from the scrape's sample (counters are reset and re-filled). */
interface Settable {
  reset(): void;
}

function fromSample<M extends Settable>(sampler: ContainerSampler, fill: (m: M, s: ContainerSample) => void): (this: M) => Promise<void> {
  return async function collect(this: M) {
    const samples = await sampler.sample();
    this.reset();
    for (const s of samples) fill(this, s);
  };
}

/** Per-container series, read from the cgroup files (the stats service) at scrape time. */
export function registerContainerMetrics(registry: Registry, sampler: ContainerSampler): void {
  const registers = [registry];
  new Counter({
    name: 'berth_container_cpu_seconds_total',
    help: 'CPU time the container has used',
    labelNames: LABELS,
    registers,
    collect: fromSample(sampler, (m: Counter<(typeof LABELS)[number]>, s) => s.stats.cgroup && m.inc(labelsOf(s), s.stats.cgroup.cpu.total / 1e9)),
  });
  new Gauge({
    name: 'berth_container_memory_usage_bytes',
    help: 'Memory the container uses',
    labelNames: LABELS,
    registers,
    collect: fromSample(sampler, (m: Gauge<(typeof LABELS)[number]>, s) => s.stats.cgroup && m.set(labelsOf(s), s.stats.cgroup.memory.usage)),
  });
  new Gauge({
    name: 'berth_container_memory_limit_bytes',
    help: 'Memory limit of the container (0: none)',
    labelNames: LABELS,
    registers,
    collect: fromSample(sampler, (m: Gauge<(typeof LABELS)[number]>, s) => s.stats.cgroup && m.set(labelsOf(s), unlimitedAsZero(s.stats.cgroup.memory.limit))),
  });
  const netLabels = [...LABELS, 'interface'] as const;
  for (const [dir, key] of [
    ['receive', 'rx_bytes'],
    ['transmit', 'tx_bytes'],
  ] as const) {
    new Counter({
      name: `berth_container_network_${dir}_bytes_total`,
      help: `Bytes the container's interfaces ${dir === 'receive' ? 'received' : 'sent'}`,
      labelNames: netLabels,
      registers,
      collect: fromSample(sampler, (m: Counter<(typeof netLabels)[number]>, s) => {
        for (const [iface, c] of Object.entries(s.stats.networks ?? {})) m.inc({ ...labelsOf(s), interface: iface }, c[key]);
      }),
    });
  }
  for (const op of ['read', 'write'] as const) {
    new Counter({
      name: `berth_container_blkio_${op}_bytes_total`,
      help: `Bytes the container ${op === 'read' ? 'read from' : 'wrote to'} block devices`,
      labelNames: LABELS,
      registers,
      collect: fromSample(sampler, (m: Counter<(typeof LABELS)[number]>, s) => {
        if (!s.stats.cgroup) return;
        m.inc(
          labelsOf(s),
          s.stats.cgroup.blkio.filter((e) => e.op.toLowerCase() === op).reduce((n, e) => n + e.value, 0),
        );
      }),
    });
  }
  new Counter({
    name: 'berth_container_restarts_total',
    help: 'Restarts by the restart policy',
    labelNames: LABELS,
    registers,
    collect: fromSample(sampler, (m: Counter<(typeof LABELS)[number]>, s) => m.inc(labelsOf(s), s.rec.RestartCount)),
  });
  const stateLabels = [...LABELS, 'state'] as const;
  new Gauge({
    name: 'berth_container_state',
    help: 'The container state: 1 for the current one, 0 for the others',
    labelNames: stateLabels,
    registers,
    collect: fromSample(sampler, (m: Gauge<(typeof stateLabels)[number]>, s) => {
      for (const state of STATES) m.set({ ...labelsOf(s), state }, s.rec.State.Status === state ? 1 : 0);
    }),
  });
  const healthLabels = [...LABELS, 'health'] as const;
  new Gauge({
    name: 'berth_container_health',
    help: 'The healthcheck status: 1 for the current one (none: no healthcheck)',
    labelNames: healthLabels,
    registers,
    collect: fromSample(sampler, (m: Gauge<(typeof healthLabels)[number]>, s) => {
      const current = s.rec.State.Health?.Status ?? 'none';
      for (const health of HEALTH) m.set({ ...labelsOf(s), health }, current === health ? 1 : 0);
    }),
  });
}

/** cgroup v1 reports "no limit" as a huge page-aligned number. */
function unlimitedAsZero(limit: number): number {
  return limit >= 2 ** 62 ? 0 : limit;
}
