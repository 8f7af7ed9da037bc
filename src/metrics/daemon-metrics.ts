import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ContainerRecord } from '../core/containers.js';
import { ContainerSampler } from './container-sample.js';
import { registerContainerMetrics } from './container-metrics.js';

/** What the metrics read at scrape time. */
export interface MetricsSources {
  containers: () => ContainerRecord[];
  images: () => number;
  volumes: () => number;
}

/** The daemon's metrics: a registry to scrape, and the hooks the API and the container service report to. */
export interface DaemonMetrics {
  registry: Registry;
  /** Matches the API server's RequestObserver. */
  observeRequest(r: { method: string; route: string; status: number; seconds: number }): void;
  observeContainerStart(seconds: number): void;
}

export function createMetrics(src: MetricsSources): DaemonMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: 'berthd_' });
  registerContainerMetrics(registry, new ContainerSampler(src.containers));
  const requests = new Counter({
    name: 'berth_api_requests_total',
    help: 'Engine API requests by route and status',
    labelNames: ['method', 'route', 'code'],
    registers,
  });
  const latency = new Histogram({
    name: 'berth_api_request_duration_seconds',
    help: 'Engine API request latency by route (streams: until they end)',
    labelNames: ['method', 'route'],
    registers,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  });
  const starts = new Histogram({
    name: 'berth_container_start_duration_seconds',
    help: 'Time from a start request to the container running',
    registers,
    buckets: [0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 2, 5, 10],
  });
  new Gauge({
    name: 'berth_images',
    help: 'Images in the image store',
    registers,
    collect() {
      this.set(src.images());
    },
  });
  new Gauge({
    name: 'berth_volumes',
    help: 'Volumes',
    registers,
    collect() {
      this.set(src.volumes());
    },
  });
  new Gauge({
    name: 'berth_containers',
    help: 'Containers by state',
    labelNames: ['state'],
    registers,
    collect() {
      this.reset();
      for (const c of src.containers()) this.inc({ state: c.State.Status });
    },
  });
  return {
    registry,
    observeRequest: (r) => {
      requests.inc({ method: r.method, route: r.route, code: String(r.status) });
      latency.observe({ method: r.method, route: r.route }, r.seconds);
    },
    observeContainerStart: (seconds) => starts.observe(seconds),
  };
}
