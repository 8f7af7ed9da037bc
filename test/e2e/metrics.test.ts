import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, startDaemon, type Daemon } from './harness.js';
import { parseExposition, series } from './prom-text.js';

// GET /metrics: on --metrics-addr without a token, on the UI listener with one; parsed as
// Prometheus text, with per-container series for a running container and the daemon's own.
describe('metrics', () => {
  let d: Daemon;
  let metricsUrl = '';
  let uiUrl = '';
  let token = '';
  let id = '';
  before(async () => {
    d = await startDaemon({ args: ['--ui', '127.0.0.1:0', '--metrics-addr', '127.0.0.1:0'] });
    metricsUrl = await eventually('the metrics address in the log', async () => /metrics: (http:\S+\/metrics)/.exec(d.log())?.[1]);
    uiUrl = await eventually('the dashboard address in the log', async () => /dashboard: (http:\/\/[^/]+)\//.exec(d.log())?.[1]);
    token = (await readFile(join(d.execRoot, 'ui-token'), 'utf8')).trim();
    const r = await d.berth([
      'run',
      '-d',
      '--name',
      'm1',
      '-m',
      '64m',
      'busybox',
      'sh',
      '-c',
      'dd if=/dev/zero of=/tmp/f bs=64k count=16 2>/dev/null; sleep 600',
    ]);
    assert.equal(r.code, 0, r.stderr);
    id = r.stdout.trim();
    await d.berth(['create', '--name', 'm2', 'busybox', 'true']);
  });
  after(() => d?.stop());

  it('serves per-container series for a running container, without a token on --metrics-addr', async () => {
    const res = await fetch(metricsUrl);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const e = parseExposition(await res.text());
    const mine = { id, name: 'm1', image: 'busybox' };
    assert.equal(e.types.get('berth_container_cpu_seconds_total'), 'counter');
    const cpu = series(e, 'berth_container_cpu_seconds_total', mine);
    assert.equal(cpu.length, 1);
    assert.ok(cpu[0]!.value > 0, 'cpu seconds');
    const mem = series(e, 'berth_container_memory_usage_bytes', mine);
    assert.ok(mem.length === 1 && mem[0]!.value > 0, 'memory usage');
    assert.equal(series(e, 'berth_container_memory_limit_bytes', mine)[0]?.value, 64 * 1024 * 1024);
    const rx = series(e, 'berth_container_network_receive_bytes_total', { ...mine, interface: 'eth0' });
    assert.equal(rx.length, 1, 'eth0 rx series');
    assert.equal(series(e, 'berth_container_network_transmit_bytes_total', { ...mine, interface: 'eth0' }).length, 1);
    assert.equal(series(e, 'berth_container_blkio_read_bytes_total', mine).length, 1);
    assert.equal(series(e, 'berth_container_blkio_write_bytes_total', mine).length, 1);
    assert.equal(series(e, 'berth_container_restarts_total', mine)[0]?.value, 0);
    assert.equal(series(e, 'berth_container_state', { ...mine, state: 'running' })[0]?.value, 1);
    assert.equal(series(e, 'berth_container_state', { ...mine, state: 'exited' })[0]?.value, 0);
    assert.equal(series(e, 'berth_container_health', { ...mine, health: 'none' })[0]?.value, 1);
    // The created container has its state and no resource series.
    assert.equal(series(e, 'berth_container_state', { name: 'm2', state: 'created' })[0]?.value, 1);
    assert.equal(series(e, 'berth_container_cpu_seconds_total', { name: 'm2' }).length, 0);
    // Daemon metrics.
    assert.equal(series(e, 'berth_images')[0]?.value, 1);
    assert.equal(series(e, 'berth_volumes')[0]?.value, 0);
    assert.equal(series(e, 'berth_containers', { state: 'running' })[0]?.value, 1);
    assert.equal(series(e, 'berth_container_start_duration_seconds_count')[0]?.value, 1);
    const creates = series(e, 'berth_api_requests_total', { method: 'POST', route: '/containers/create', code: '201' });
    assert.equal(creates[0]?.value, 2);
    assert.equal(e.types.get('berth_api_request_duration_seconds'), 'histogram');
    const inf = series(e, 'berth_api_request_duration_seconds_bucket', { method: 'POST', route: '/containers/{id}/start', le: '+Inf' });
    assert.equal(inf[0]?.value, 1);
    assert.equal(
      series(e, 'berth_api_requests_total', { route: '/containers/{id}/json' }).every((s) => !s.labels.route!.includes(id)),
      true,
    );
    assert.ok(series(e, 'berthd_process_resident_memory_bytes').length === 1);
  });

  it('serves the same registry on the UI listener, only with the token', async () => {
    assert.equal((await fetch(`${uiUrl}/metrics`)).status, 401);
    assert.equal((await fetch(`${uiUrl}/metrics`, { headers: { Authorization: 'Bearer wrong' } })).status, 401);
    const res = await fetch(`${uiUrl}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    const e = parseExposition(await res.text());
    assert.equal(series(e, 'berth_container_state', { name: 'm1', state: 'running' })[0]?.value, 1);
    // Only /metrics on the metrics listener.
    assert.equal((await fetch(metricsUrl.replace('/metrics', '/ui/api/containers'))).status, 404);
  });

  it('reports health and restarts', async () => {
    assert.equal((await d.berth(['run', '-d', '--name', 'hc', '--health-cmd', 'true', '--health-interval', '1s', 'busybox', 'sleep', '600'])).code, 0);
    assert.equal((await d.berth(['run', '-d', '--name', 'flaky', '--restart', 'on-failure', 'busybox', 'sh', '-c', 'sleep 0.2; exit 3'])).code, 0);
    const scrape = async () => parseExposition(await (await fetch(metricsUrl)).text());
    await eventually('hc healthy', async () => series(await scrape(), 'berth_container_health', { name: 'hc', health: 'healthy' })[0]?.value === 1, 15_000);
    const e = await eventually(
      'a restart counted',
      async () => {
        const x = await scrape();
        return (series(x, 'berth_container_restarts_total', { name: 'flaky' })[0]?.value ?? 0) >= 1 && x;
      },
      15_000,
    );
    assert.equal(series(e, 'berth_container_health', { name: 'hc', health: 'starting' })[0]?.value, 0);
    assert.equal(series(e, 'berth_container_health', { name: 'flaky', health: 'none' })[0]?.value, 1);
    assert.ok((series(e, 'berth_container_start_duration_seconds_count')[0]?.value ?? 0) >= 3, 'restarts are starts too');
    await d.berth(['rm', '-f', 'hc', 'flaky']);
  });

  it('counts a stopped container as exited and drops its resource series', async () => {
    assert.equal((await d.berth(['stop', '-t', '0', 'm1'])).code, 0);
    const e = parseExposition(await (await fetch(metricsUrl)).text());
    assert.equal(series(e, 'berth_container_state', { name: 'm1', state: 'exited' })[0]?.value, 1);
    assert.equal(series(e, 'berth_container_memory_usage_bytes', { name: 'm1' }).length, 0);
  });
});
