#!/usr/bin/env node
// Containers at scale, berth against a Docker engine (when one answers on /var/run/docker.sock):
// 50 `run -d … sleep` started concurrently (wall time), per-container memory (conmon against
// containerd-shim-runc-v2, RSS and PSS from /proc/<pid>/smaps_rollup), daemon RSS idle and with the
// 50 running (berthd against dockerd + containerd), then `ps -a` with 500 containers, `inspect` of
// one and `exec c true`. A benchmark, not a test.
//
//   npm run build && node bench/scale.mjs [--quick] [--containers 50] [--total 500] [--runs 10] [--json FILE]
//
// Cleans up what it made: its berthd (by pid, temp data root, networks swept), and in Docker the
// containers it named `berth-bench-scale-<pid>-*` and the image it imported.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BERTH_CLI, api, arg, DOCKER_SOCK, dockerUp, flag, median, memKiB, pidsOf, REPO, startBerthd, time, writeRows } from './lib.mjs';

const QUICK = flag('quick');
const N = arg('containers', 50);
const TOTAL = arg('total', QUICK ? 200 : 500);
const RUNS = arg('runs', QUICK ? 5 : 10);
const IMAGE = 'berth-bench-busybox:latest';
const PREFIX = `berth-bench-scale-${process.pid}`;

const tmp = mkdtempSync(join(tmpdir(), 'berth-bench-scale-'));
let berthd;
let dockerImported = false;
const sh = (cmd, args, env) => spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 64 << 20 });

/** Force-removes every container of ours in one engine, through its API, a few at a time. */
async function removeAll(socket, filterName) {
  const r = await api(socket, 'GET', `/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ name: [filterName] }))}`).catch(() => undefined);
  if (r?.status !== 200) return;
  const ids = JSON.parse(r.body).map((c) => c.Id);
  let failed = 0;
  await pool(ids, 4, async (id) => {
    const d = await api(socket, 'DELETE', `/containers/${id}?force=1&v=1`).catch((err) => ({ status: 0, body: err.message }));
    if (d.status >= 300 || d.status === 0) {
      if (failed++ === 0) process.stderr.write(`scale bench: removing ${id.slice(0, 12)}: ${d.status} ${d.body.trim()}\n`);
    }
  });
  if (failed > 0) process.stderr.write(`scale bench: ${failed} of ${ids.length} removals failed\n`);
}

async function pool(items, width, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++], next - 1);
    }),
  );
}

const cleanup = async () => {
  if (berthd) {
    await removeAll(berthd.socket, PREFIX);
    await berthd.stop();
  }
  if (dockerImported) {
    await removeAll(DOCKER_SOCK, PREFIX);
    sh('docker', ['-H', `unix://${DOCKER_SOCK}`, 'rmi', '-f', IMAGE]);
  }
  rmSync(tmp, { recursive: true, force: true });
};
process.on('SIGINT', () => void cleanup().finally(() => process.exit(130)));

/** Wall time of `count` commands started at once; throws if one fails. */
function concurrently(count, cmd, argsOf, env) {
  const t0 = performance.now();
  return Promise.all(
    Array.from(
      { length: count },
      (_, i) =>
        new Promise((res, rej) => {
          const c = spawn(cmd, argsOf(i), { env, stdio: ['ignore', 'ignore', 'pipe'] });
          let err = '';
          c.stderr.on('data', (d) => (err += d));
          c.on('exit', (code) => (code === 0 ? res() : rej(new Error(`${cmd} ${argsOf(i).join(' ')}: exit ${code}: ${err}`))));
        }),
    ),
  ).then(() => performance.now() - t0);
}

const sumMem = (pids) => pids.map(memKiB).reduce((a, m) => ({ rss: a.rss + m.rss, pss: a.pss + m.pss }), { rss: 0, pss: 0 });
const mib = (kib) => kib / 1024;

async function main() {
  const rootfs = join(tmp, 'busybox.tar');
  if (spawnSync(join(REPO, 'scripts/busybox-rootfs'), [rootfs], { stdio: 'ignore' }).status !== 0) throw new Error('scripts/busybox-rootfs failed');
  berthd = await startBerthd(tmp);
  const imp = await api(berthd.socket, 'POST', `/images/create?fromSrc=-&repo=${encodeURIComponent(IMAGE)}`, readFileSync(rootfs), {
    'Content-Type': 'application/x-tar',
  });
  if (imp.status !== 200) throw new Error(`import into berthd: ${imp.body}`);

  const plain = { ...process.env };
  delete plain.DOCKER_CONTEXT;
  const berthCli = { name: 'berth CLI → berthd', cmd: BERTH_CLI, pre: [], env: { ...plain, BERTH_HOST: `unix://${berthd.socket}` }, socket: berthd.socket };
  const dockerBerth = { name: 'docker CLI → berthd', cmd: 'docker', pre: [], env: { ...plain, DOCKER_HOST: `unix://${berthd.socket}` }, socket: berthd.socket };
  let docker;
  if (dockerUp()) {
    sh('docker', ['-H', `unix://${DOCKER_SOCK}`, 'import', '-c', 'CMD ["sh"]', rootfs, IMAGE]);
    dockerImported = true;
    docker = { name: 'docker CLI → Docker', cmd: 'docker', pre: [], env: { ...plain, DOCKER_HOST: `unix://${DOCKER_SOCK}` }, socket: DOCKER_SOCK };
  } else process.stderr.write('scale bench: no Docker engine on /var/run/docker.sock (bench/docker-engine.sh start), berth only\n');
  const clis = [berthCli, dockerBerth, ...(docker ? [docker] : [])];
  const run = (c, args) => time(c.cmd, [...c.pre, ...args], c.env);
  const timeRuns = (c, args) => {
    run(c, args); // warm-up
    return median(Array.from({ length: RUNS }, () => run(c, args)));
  };

  // Idle daemon memory: after the image import and one short-lived container, nothing running.
  const daemonPids = { berth: [berthd.pid], docker: [...pidsOf('dockerd'), ...pidsOf('containerd')] };
  for (const c of [berthCli, ...(docker ? [docker] : [])]) run(c, ['run', '--rm', IMAGE, 'true']);
  await new Promise((r) => setTimeout(r, 1000));
  const idle = { berth: sumMem(daemonPids.berth), docker: docker ? sumMem(daemonPids.docker) : undefined };

  // 50 concurrent `run -d`, each engine through its own CLI (and berthd through the docker CLI too).
  const wall = {};
  const startN = async (c, tag) => {
    wall[c.name] = await concurrently(N, c.cmd, (i) => [...c.pre, 'run', '-d', '--name', `${PREFIX}-${tag}${i}`, IMAGE, 'sleep', '3600'], c.env);
  };
  for (const c of [berthCli, ...(docker ? [docker] : [])]) await startN(c, 'c');
  await new Promise((r) => setTimeout(r, 1000));
  // Memory with N running on each engine (before the docker CLI adds N more to berthd).
  const busy = { berth: sumMem(daemonPids.berth), docker: docker ? sumMem(daemonPids.docker) : undefined };
  const conmons = pidsOf('conmon', tmp);
  const perConmon = sumMem(conmons);
  const nConmon = conmons.length;
  let perShim;
  let nShim = 0;
  if (docker) {
    const ids = JSON.parse((await api(DOCKER_SOCK, 'GET', `/containers/json?filters=${encodeURIComponent(JSON.stringify({ name: [PREFIX] }))}`)).body).map(
      (c) => c.Id,
    );
    const shims = pidsOf('containerd-shim').filter((p) => ids.some((id) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(id)));
    nShim = shims.length;
    perShim = sumMem(shims);
  }
  await startN(dockerBerth, 'd');

  // exec and inspect against a running container.
  const execMs = {};
  const inspectMs = {};
  for (const c of clis) {
    const name = `${PREFIX}-c0`;
    execMs[c.name] = timeRuns(c, ['exec', name, 'true']);
    inspectMs[c.name] = timeRuns(c, ['inspect', name]);
  }

  // Up to TOTAL containers (the rest created, not started), then `ps -a`.
  for (const c of [berthCli, ...(docker ? [docker] : [])]) {
    const have = c === berthCli ? 2 * N : N;
    const body = JSON.stringify({ Image: IMAGE, Cmd: ['true'] });
    await pool(
      Array.from({ length: Math.max(0, TOTAL - have) }, (_, i) => i),
      6,
      async (i) => {
        const r = await api(c.socket, 'POST', `/containers/create?name=${PREFIX}-p${i}`, body, { 'Content-Type': 'application/json' });
        if (r.status !== 201) throw new Error(`create: ${r.status} ${r.body}`);
      },
    );
  }
  const psMs = {};
  for (const c of clis) psMs[c.name] = timeRuns(c, ['ps', '-a']);
  // The engines alone: the list request without any CLI.
  const listMs = async (socket) => {
    const once = async () => {
      const t0 = performance.now();
      const r = await api(socket, 'GET', '/containers/json?all=1');
      if (r.status !== 200) throw new Error(`list: ${r.status}`);
      return performance.now() - t0;
    };
    await once();
    const xs = [];
    for (let i = 0; i < RUNS; i++) xs.push(await once());
    return median(xs);
  };
  const apiList = { berth: await listMs(berthd.socket), docker: docker ? await listMs(DOCKER_SOCK) : undefined };

  const rows = [];
  const rowsFor = (bench, m, unit, target, note) => {
    const d = docker ? m[docker.name] : undefined;
    rows.push({ bench: `${bench} (berth CLI)`, berth: m[berthCli.name], docker: d, unit, target, note });
    rows.push({ bench: `${bench} (docker CLI → berthd)`, berth: m[dockerBerth.name], docker: d, unit, target, note });
  };
  rowsFor(`${N}× run -d concurrently, wall`, wall, 'ms');
  rowsFor('exec c true', execMs, 'ms');
  rowsFor('inspect c', inspectMs, 'ms');
  rowsFor(`ps -a, ${TOTAL} containers`, psMs, 'ms', 0.5);
  rows.push({ bench: `GET /containers/json?all=1, ${TOTAL} containers (API only)`, berth: apiList.berth, docker: apiList.docker, unit: 'ms', target: 0.5 });
  rows.push({
    bench: 'per-container RSS (conmon vs shim)',
    berth: mib(perConmon.rss / nConmon),
    docker: perShim && mib(perShim.rss / nShim),
    unit: 'MiB',
    target: 0.25,
    note: `${nConmon} conmon, ${nShim} shims`,
  });
  rows.push({
    bench: 'per-container PSS (conmon vs shim)',
    berth: mib(perConmon.pss / nConmon),
    docker: perShim && mib(perShim.pss / nShim),
    unit: 'MiB',
    target: 0.25,
  });
  rows.push({
    bench: 'daemon RSS idle (berthd vs dockerd+containerd)',
    berth: mib(idle.berth.rss),
    docker: idle.docker && mib(idle.docker.rss),
    unit: 'MiB',
    target: 1,
  });
  rows.push({ bench: `daemon RSS, ${N} running`, berth: mib(busy.berth.rss), docker: busy.docker && mib(busy.docker.rss), unit: 'MiB' });
  for (const r of rows)
    console.log(
      `${r.bench.padEnd(52)} berth ${r.berth?.toFixed(1).padStart(8)} ${r.unit}   Docker ${r.docker === undefined ? '       -' : r.docker.toFixed(1).padStart(8)} ${r.unit}${r.docker ? `   ${(r.berth / r.docker).toFixed(2)}×` : ''}`,
    );
  writeRows(rows);
}

main().then(cleanup, async (err) => {
  console.error(err.stack ?? err.message);
  await cleanup();
  process.exit(1);
});
