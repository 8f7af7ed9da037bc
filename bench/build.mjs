#!/usr/bin/env node
// Build time: a 10-step Dockerfile (busybox base, RUNs, COPY of FILES small files) built cold
// (`--no-cache`) and fully cached, by berth (its CLI and the docker CLI's classic builder against
// berthd) and by a Docker engine's classic builder when one answers on /var/run/docker.sock
// (start one with bench/docker-engine.sh). With buildx (BERTH_BUILDX, else scripts/fetch-cli-plugins'
// place), the BuildKit path too: `docker build` through buildx's docker driver against berthd and
// against the Docker engine's own BuildKit, side by side. Medians of RUNS runs. A benchmark, not a test.
//
//   npm run build && node bench/build.mjs [--runs 3] [--files 3000] [--buildkit-only]
//
// Cleans up what it made, by pid and by name: its berthd (temp socket and data root), the temp
// context, and in Docker its own base tag and built tag (and so their intermediate images).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BERTH_CLI, api, arg, DOCKER_SOCK, dockerUp, flag, median, REPO, startBerthd, time, writeRows } from './lib.mjs';

const RUNS = arg('runs', flag('quick') ? 1 : 3);
const FILES = arg('files', 3000);
const BASE = 'berth-bench-build-base:latest';
const TAG = 'berth-bench-build:latest';
// Only the BuildKit rows (buildx → berthd, buildx → Docker): the classic rows left out.
const BUILDKIT_ONLY = flag('buildkit-only');

const tmp = mkdtempSync(join(tmpdir(), 'berth-bench-build-'));
let berthd;
let usedDocker = false;
const cleanup = async () => {
  if (usedDocker) spawnSync('docker', ['-H', `unix://${DOCKER_SOCK}`, 'rmi', '-f', TAG, BASE], { stdio: 'ignore' });
  await berthd?.stop();
  rmSync(tmp, { recursive: true, force: true });
};
process.on('SIGINT', () => void cleanup().finally(() => process.exit(130)));

try {
  // The context: FILES small files and a 10-step Dockerfile.
  const ctx = join(tmp, 'ctx');
  mkdirSync(join(ctx, 'files'), { recursive: true });
  for (let i = 0; i < FILES; i++) writeFileSync(join(ctx, 'files', `f${i}.txt`), `file ${i}\n`);
  writeFileSync(join(ctx, 'small.txt'), 'small\n');
  writeFileSync(
    join(ctx, 'Dockerfile'),
    [
      `FROM ${BASE}`,
      'RUN echo one > /one',
      'COPY files/ /files/',
      'RUN ls /files | wc -l > /count',
      'ENV A=1',
      'COPY small.txt /small.txt',
      'RUN cat /small.txt',
      'WORKDIR /app',
      'LABEL bench=1',
      'CMD ["sh"]',
    ].join('\n'),
  );

  const rootfs = join(tmp, 'busybox.tar');
  if (spawnSync(join(REPO, 'scripts/busybox-rootfs'), [rootfs], { stdio: 'inherit' }).status !== 0) throw new Error('busybox-rootfs failed');
  berthd = await startBerthd(tmp, (process.env.BERTHD_ARGS ?? '').split(/\s+/).filter(Boolean));
  const socket = berthd.socket;
  const imp = await api(socket, 'POST', `/images/create?fromSrc=-&repo=${encodeURIComponent(BASE)}`, readFileSync(rootfs), {
    'Content-Type': 'application/x-tar',
  });
  if (imp.status !== 200) throw new Error(`import: ${imp.body}`);

  const dockerCfg = join(tmp, 'docker-config');
  mkdirSync(dockerCfg);
  writeFileSync(join(dockerCfg, 'config.json'), '{}');
  const clean = { ...process.env, DOCKER_CONFIG: dockerCfg, DOCKER_BUILDKIT: '0', DOCKER_CLI_HINTS: 'false' };
  const cases = BUILDKIT_ONLY
    ? []
    : [
        ['berth CLI → berthd', BERTH_CLI, [], { ...clean, BERTH_HOST: `unix://${socket}` }],
        ['docker CLI → berthd', 'docker', [], { ...clean, DOCKER_HOST: `unix://${socket}` }],
      ];
  if (dockerUp()) {
    usedDocker = true;
    spawnSync('docker', ['-H', `unix://${DOCKER_SOCK}`, 'import', rootfs, BASE], { stdio: 'ignore' });
    if (!BUILDKIT_ONLY) cases.push(['docker CLI → Docker engine (classic)', 'docker', [], { ...clean, DOCKER_HOST: `unix://${DOCKER_SOCK}` }]);
  } else process.stderr.write('build bench: no Docker engine on /var/run/docker.sock (bench/docker-engine.sh start), berth only\n');

  // The BuildKit path: buildx as a CLI plugin of a config of its own (DOCKER_BUILDKIT unset).
  const buildx = process.env.BERTH_BUILDX ?? join(process.env.BERTH_CLI_PLUGINS ?? '/var/cache/berth/cli-plugins', 'docker-buildx');
  if (existsSync(buildx)) {
    const bkCfg = join(tmp, 'docker-config-buildx');
    mkdirSync(join(bkCfg, 'cli-plugins'), { recursive: true });
    writeFileSync(join(bkCfg, 'config.json'), '{}');
    symlinkSync(buildx, join(bkCfg, 'cli-plugins', 'docker-buildx'));
    const bk = { ...process.env, DOCKER_CONFIG: bkCfg, DOCKER_CLI_HINTS: 'false' };
    delete bk.DOCKER_BUILDKIT;
    cases.push(['docker buildx → berthd (BuildKit)', 'docker', [], { ...bk, DOCKER_HOST: `unix://${socket}` }]);
    if (usedDocker) cases.push(['docker buildx → Docker engine (BuildKit)', 'docker', [], { ...bk, DOCKER_HOST: `unix://${DOCKER_SOCK}` }]);
  } else process.stderr.write(`build bench: no buildx at ${buildx} (scripts/fetch-cli-plugins), classic builder only\n`);

  // Cases interleaved (one build of each per round), so that load from elsewhere on the machine
  // hits berthd and Docker alike.
  const runs = cases.map(([name, cmd, pre, env]) => ({
    name,
    build: (extra) => time(cmd, [...pre, 'build', '-q', ...extra, '-t', TAG, ctx], env),
    cold: [],
    cached: [],
  }));
  for (const c of runs) c.build([]); // warm-up (and fills the cache)
  for (let i = 0; i < RUNS; i++) for (const c of runs) c.cold.push(c.build(['--no-cache']));
  for (const c of runs) c.build([]);
  for (let i = 0; i < RUNS; i++) for (const c of runs) c.cached.push(c.build([]));
  const results = runs.map((c) => ({ name: c.name, cold: median(c.cold), cached: median(c.cached), coldRuns: c.cold, cachedRuns: c.cached }));
  // Each berth row against the Docker row of the same builder (classic or BuildKit).
  const dockerOf = (r) => results.find((x) => x.name.includes('Docker engine') && x.name.includes('BuildKit') === r.name.includes('BuildKit'));
  const isDocker = (r) => r.name.includes('Docker engine');
  console.log(`10-step build, ${FILES} small files in the context, median of ${RUNS}`);
  // Each ratio against Docker's row of the same builder, with the target (cold ≤ 1.0×, cached ≤ 0.5×).
  const ratio = (a, b, target) => (b ? `${(a / b).toFixed(2)}× ${a / b <= target ? '≤' : '>'} ${target.toFixed(1)}×` : '');
  console.log(`${'case'.padEnd(42)} ${'cold ms'.padStart(8)} ${'vs Docker'.padEnd(14)} ${'cached ms'.padStart(9)} vs Docker`);
  for (const r of results) {
    const docker = isDocker(r) ? undefined : dockerOf(r);
    console.log(
      `${r.name.padEnd(42)} ${r.cold.toFixed(0).padStart(8)} ${ratio(r.cold, docker?.cold, 1.0).padEnd(14)} ${r.cached.toFixed(0).padStart(9)} ${ratio(r.cached, docker?.cached, 0.5)}`,
    );
  }
  for (const r of results)
    console.log(
      `  ${r.name}: cold runs ${r.coldRuns.map((x) => x.toFixed(0)).join(', ')} ms; cached runs ${r.cachedRuns.map((x) => x.toFixed(0)).join(', ')} ms`,
    );
  writeRows(
    results
      .filter((r) => !isDocker(r))
      .flatMap((r) => [
        { bench: `build cold, ${FILES} files (${r.name.replace(' → berthd', '')})`, berth: r.cold, docker: dockerOf(r)?.cold, unit: 'ms', target: 1.0 },
        { bench: `build cached, ${FILES} files (${r.name.replace(' → berthd', '')})`, berth: r.cached, docker: dockerOf(r)?.cached, unit: 'ms', target: 0.5 },
      ]),
  );
} finally {
  await cleanup();
}
