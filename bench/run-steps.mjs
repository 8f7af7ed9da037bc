#!/usr/bin/env node
// RUN steps through buildx against berthd: a Dockerfile of STEPS `RUN echo N > /N` steps built cold
// (`--no-cache`) RUNS times; prints each build's wall time and, with BERTHD_ARGS=-D
// BERTHD_LOG=FILE, berthd's per-phase timings are in FILE. A benchmark, not a test.
//
//   npm run build && TMPDIR=/var/lib/berth-bench node bench/run-steps.mjs [--runs 5] [--steps 5]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, arg, median, REPO, startBerthd, time } from './lib.mjs';

const RUNS = arg('runs', 5);
const STEPS = arg('steps', 5);
const BASE = 'berth-bench-run-base:latest';
const tmp = mkdtempSync(join(tmpdir(), 'berth-bench-run-'));
let berthd;
try {
  const ctx = join(tmp, 'ctx');
  mkdirSync(ctx);
  const steps = Array.from({ length: STEPS }, (_, i) => `RUN echo ${i} > /${i}`);
  writeFileSync(join(ctx, 'Dockerfile'), [`FROM ${BASE}`, ...steps].join('\n'));
  const rootfs = join(tmp, 'busybox.tar');
  if (spawnSync(join(REPO, 'scripts/busybox-rootfs'), [rootfs], { stdio: 'inherit' }).status !== 0) throw new Error('busybox-rootfs failed');
  berthd = await startBerthd(tmp, (process.env.BERTHD_ARGS ?? '').split(/\s+/).filter(Boolean));
  const imp = await api(berthd.socket, 'POST', `/images/create?fromSrc=-&repo=${encodeURIComponent(BASE)}`, readFileSync(rootfs), {
    'Content-Type': 'application/x-tar',
  });
  if (imp.status !== 200) throw new Error(`import: ${imp.body}`);
  const buildx = process.env.BERTH_BUILDX ?? join(process.env.BERTH_CLI_PLUGINS ?? '/var/cache/berth/cli-plugins', 'docker-buildx');
  if (!existsSync(buildx)) throw new Error(`no buildx at ${buildx}`);
  const cfg = join(tmp, 'docker-config');
  mkdirSync(join(cfg, 'cli-plugins'), { recursive: true });
  writeFileSync(join(cfg, 'config.json'), '{}');
  symlinkSync(buildx, join(cfg, 'cli-plugins', 'docker-buildx'));
  const env = { ...process.env, DOCKER_CONFIG: cfg, DOCKER_CLI_HINTS: 'false', DOCKER_HOST: `unix://${berthd.socket}` };
  delete env.DOCKER_BUILDKIT;
  const build = () => time('docker', ['build', '-q', '--no-cache', '-t', 'berth-bench-run:latest', ctx], env);
  build(); // warm-up
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(build());
  console.log(`${STEPS} RUN steps, cold, median of ${RUNS}: ${median(runs).toFixed(0)} ms (runs ${runs.map((x) => x.toFixed(0)).join(', ')})`);
} finally {
  await berthd?.stop();
  rmSync(tmp, { recursive: true, force: true });
}
