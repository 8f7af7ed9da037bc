#!/usr/bin/env node
// `logs` on a large json-file log: berth against a Docker engine (when one answers on /var/run/docker.sock).
// One container prints LINES lines (~60 bytes each) and exits; then, with the same docker CLI against both
// engines (and the berth CLI against berthd), median wall clock of:
//   logs --tail 10        (must not depend on the log's size)
//   logs > /dev/null      (the whole log, streamed: MB/s of log text)
//   logs --since <middle> (half the log)
// plus the time from `start` to `wait` returning (the container's run, with the conversion of its output),
// and the whole log over the API with curl (the engine alone, without a CLI's demultiplexing).
// Not a test. Cleans up its temp dir, its berthd (by pid) and the containers and image it made in Docker.
//
//   npm run build && node bench/logs.mjs [--lines 1000000] [--runs 5] [--quick] [--json FILE]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BERTH_CLI, arg, DOCKER_SOCK, dockerUp, flag, median, REPO, startBerthd, time, writeRows } from './lib.mjs';

const LINES = arg('lines', 1_000_000);
const RUNS = arg('runs', flag('quick') ? 3 : 5);
/** Medians by engine and case, for run-all's table. */
const results = {};
const TAG = `berth-bench-logs:${process.pid}`;
const NAME = `berth-bench-logs-${process.pid}`;

const tmp = mkdtempSync(join(tmpdir(), 'berth-bench-logs-'));
let daemon;
const dockerEnv = { ...process.env, DOCKER_HOST: `unix://${DOCKER_SOCK}` };
const cleanup = async () => {
  await daemon?.stop();
  if (dockerUp()) {
    spawnSync('docker', ['rm', '-f', NAME], { env: dockerEnv, stdio: 'ignore' });
    spawnSync('docker', ['rmi', '-f', TAG], { env: dockerEnv, stdio: 'ignore' });
  }
  rmSync(tmp, { recursive: true, force: true });
};
process.on('SIGINT', () => void cleanup().finally(() => process.exit(130)));

function run(cmd, args, env) {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Wall clock of a command whose stdout goes to /dev/null (so the pipe is not what is measured). */
function timeToNull(cmd, args, env) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const SCRIPT = `awk 'BEGIN { for (i = 0; i < ${LINES}; i++) printf "line %07d the quick brown fox jumps over the lazy dog\\n", i }'`;

async function main() {
  const rootfsTar = join(tmp, 'busybox.tar');
  run(join(REPO, 'scripts/busybox-rootfs'), [rootfsTar]);
  daemon = await startBerthd(tmp);
  const berthEnv = { ...process.env, DOCKER_HOST: `unix://${daemon.socket}`, BERTH_HOST: `unix://${daemon.socket}` };
  const berthCli = [BERTH_CLI];
  const engines = [
    {
      name: 'berth',
      env: berthEnv,
      clis: [
        ['docker', 'docker'],
        ['berth', ...berthCli],
      ],
    },
  ];
  if (dockerUp()) engines.push({ name: 'docker', env: dockerEnv, clis: [['docker', 'docker']] });
  console.log(`log: ${LINES} lines, median of ${RUNS} runs, wall clock`);
  for (const e of engines) {
    run('docker', ['import', rootfsTar, TAG], e.env);
    run('docker', ['create', '--name', NAME, TAG, 'sh', '-c', SCRIPT], e.env);
    const tRun = process.hrtime.bigint();
    run('docker', ['start', NAME], e.env);
    run('docker', ['wait', NAME], e.env);
    const runMs = Number(process.hrtime.bigint() - tRun) / 1e6;
    const stamped = run('docker', ['logs', '-t', '--tail', String(Math.floor(LINES / 2)), NAME], e.env);
    const since = stamped.slice(0, stamped.indexOf(' '));
    const check = run('docker', ['logs', '--tail', '1', NAME], e.env);
    if (check !== `line ${String(LINES - 1).padStart(7, '0')} the quick brown fox jumps over the lazy dog\n`)
      throw new Error(`${e.name}: unexpected last line ${JSON.stringify(check)}`);
    const mb = (LINES * 60) / 1e6;
    console.log(`  ${e.name}: start → wait ${runMs.toFixed(0)} ms`);
    for (const [label, cmd, ...pre] of e.clis) {
      const tail = [];
      const full = [];
      const half = [];
      for (let i = 0; i < RUNS; i++) {
        tail.push(time(cmd, [...pre, 'logs', '--tail', '10', NAME], e.env));
        full.push(timeToNull(cmd, [...pre, 'logs', NAME], e.env));
        half.push(timeToNull(cmd, [...pre, 'logs', '--since', since, NAME], e.env));
      }
      results[`${e.name}/${label}`] = { tail: median(tail), full: median(full), since: median(half) };
      console.log(
        `    ${label} CLI: logs --tail 10 ${median(tail).toFixed(0).padStart(5)} ms   logs (all) ${median(full).toFixed(0).padStart(6)} ms (${(mb / (median(full) / 1000)).toFixed(0)} MB/s)   logs --since <middle> ${median(half).toFixed(0).padStart(6)} ms`,
      );
    }
    // The engine alone: the whole log over the API into /dev/null (no CLI demultiplexing).
    const sock = e.env.DOCKER_HOST.replace('unix://', '');
    const api = [];
    for (let i = 0; i < RUNS; i++)
      api.push(timeToNull('curl', ['-sf', '--unix-socket', sock, '-o', '/dev/null', `http://engine/v1.41/containers/${NAME}/logs?stdout=1&stderr=1`]));
    const apiTail = [];
    for (let i = 0; i < RUNS; i++)
      apiTail.push(
        timeToNull('curl', ['-sf', '--unix-socket', sock, '-o', '/dev/null', `http://engine/v1.41/containers/${NAME}/logs?stdout=1&stderr=1&tail=10`]),
      );
    results[`${e.name}/api`] = { full: median(api), tail: median(apiTail) };
    console.log(`    API (curl): logs --tail 10 ${median(apiTail).toFixed(1).padStart(6)} ms`);
    console.log(`    API (curl): logs (all) ${median(api).toFixed(0).padStart(6)} ms (${(mb / (median(api) / 1000)).toFixed(0)} MB/s)`);
    run('docker', ['rm', '-f', NAME], e.env);
    run('docker', ['rmi', '-f', TAG], e.env);
  }
}

/** Rows for run-all: the same docker CLI against both engines, the berth CLI, and the API alone. */
function rows() {
  const r = (bench, berth, docker, target) => ({ bench: `${bench}, ${LINES} lines`, berth, docker, unit: 'ms', ...(target ? { target } : {}) });
  const b = results['berth/docker'];
  const d = results['docker/docker'];
  const bc = results['berth/berth'];
  return [
    r('logs --tail 10 (docker CLI)', b.tail, d?.tail, 0.5),
    r('logs --tail 10 (berth CLI)', bc.tail, d?.tail, 0.5),
    r('logs, whole log (docker CLI)', b.full, d?.full),
    r('logs --since <middle> (docker CLI)', b.since, d?.since),
    r('logs --tail 10 (API, curl)', results['berth/api'].tail, results['docker/api']?.tail, 0.5),
    r('logs, whole log (API, curl)', results['berth/api'].full, results['docker/api']?.full),
  ];
}

main()
  .then(() => writeRows(rows()))
  .then(cleanup, async (err) => {
    console.error(err.message);
    await cleanup();
    process.exit(1);
  });
