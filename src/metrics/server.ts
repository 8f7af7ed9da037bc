import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

/** Writes the registry in Prometheus' text format (collecting the per-container series now). */
export async function sendMetrics(registry: Registry, res: ServerResponse): Promise<void> {
  const body = await registry.metrics();
  res.writeHead(200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' });
  res.end(body);
}

/**
 * `--metrics-addr`: `GET /metrics` and nothing else, without a token (Prometheus' convention, as
 * Docker's metrics-addr); the UI listener serves the same registry behind its token.
 */
export function createMetricsServer(registry: Registry, log: (msg: string) => void): Server {
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found\n');
      return;
    }
    sendMetrics(registry, res).catch((err: Error) => {
      log(`metrics: ${err.message}`);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`${err.message}\n`);
    });
  });
}
