import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DaemonMetrics, MetricsSources } from '../metrics/daemon-metrics.js';
import type { UiDeps } from '../ui/deps.js';
import { listenAddress, listenTcp, publishToken } from '../ui/start.js';
import { formatTcpAddress, type TcpAddress } from '../lib/tcp-address.js';
import type { DaemonConfig } from './config.js';
import { readPem } from './listen.js';

// ui/ and metrics/ (with prom-client and ws) are imported only when configured: a berthd without
// --ui or --metrics-addr neither loads them nor counts anything.

/** The built page sits beside the bundle: dist/bin/berthd.mjs → dist/web/. */
const ASSETS = join(dirname(fileURLToPath(import.meta.url)), '..', 'web');

export interface ObservabilityPlan {
  ui?: TcpAddress;
  /** The API's mutual TLS (--tlsverify): the dashboard uses the same CA, certificate and key. */
  uiTls?: { ca: string; cert: string; key: string };
  metrics?: TcpAddress;
}

/** Checks `--ui` and `--metrics-addr` at start-up, before anything is opened: a bad address starts nothing. */
export function planObservability(cfg: DaemonConfig): ObservabilityPlan {
  const s = cfg.settings;
  return {
    ui: s.ui === '' ? undefined : listenAddress(s.ui, '--ui', s['ui-allow-remote']),
    ...(cfg.access.tlsVerify === true ? { uiTls: { ca: cfg.access.ca, cert: cfg.access.cert, key: cfg.access.key } } : {}),
    // Docker's metrics-addr binds where it is told (a scraper is usually remote).
    metrics: s['metrics-addr'] === '' ? undefined : listenAddress(s['metrics-addr'], '--metrics-addr', true),
  };
}

/** The metrics registry and its hooks, when the dashboard or the metrics listener will serve them. */
export async function createDaemonMetrics(plan: ObservabilityPlan, src: MetricsSources): Promise<DaemonMetrics | undefined> {
  if (plan.ui === undefined && plan.metrics === undefined) return undefined;
  const { createMetrics } = await import('../metrics/daemon-metrics.js');
  return createMetrics(src);
}

/** Starts the dashboard and the metrics listener; returns the servers and files to close/remove on shutdown. */
export async function startObservability(
  plan: ObservabilityPlan,
  execRoot: string,
  deps: Omit<UiDeps, 'assets' | 'token'>,
): Promise<{ servers: Server[]; files: string[] }> {
  const servers: Server[] = [];
  const files: string[] = [];
  if (plan.ui !== undefined) {
    const [{ createUiServer }, { generateToken }] = await Promise.all([import('../ui/server.js'), import('../ui/auth.js')]);
    const token = generateToken();
    const t = plan.uiTls;
    const tls = t && {
      ca: await readPem(t.ca, 'tlscacert'),
      cert: await readPem(t.cert, 'tlscert'),
      key: await readPem(t.key, 'tlskey'),
      requestCert: true,
      rejectUnauthorized: true,
    };
    const server = createUiServer({ ...deps, assets: ASSETS, token }, tls);
    const bound = await listenTcp(server, plan.ui);
    servers.push(server);
    files.push(join(execRoot, 'ui-token'));
    deps.log(
      `dashboard: ${await publishToken(execRoot, bound, token, tls !== undefined)} (open it with ?token= and the token in ${files[0]}${tls ? ", or a client certificate from the API's CA" : ''})`,
    );
  }
  if (plan.metrics !== undefined) {
    const { createMetricsServer } = await import('../metrics/server.js');
    const server = createMetricsServer(deps.metrics, deps.log);
    const bound = await listenTcp(server, plan.metrics);
    servers.push(server);
    deps.log(`metrics: http://${formatTcpAddress(bound)}/metrics`);
  }
  return { servers, files };
}
