// What the benchmarks share: flags, timing, medians, whether a Docker engine answers, and a
// private berthd (own socket, data root, bridge and subnets, its rules swept afterwards,
// so a benchmark leaves no bridge or NAT rule behind). Needs `npm run build` (dist/).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DOCKER_SOCK = '/var/run/docker.sock';
/** The berth CLI, run as a user runs it: by its own #! line (which leaves NODE_EXTRA_CA_CERTS out). */
export const BERTH_CLI = join(REPO, 'dist/bin/berth.cjs');

/** `--name N` from the command line as a number, or the default. */
export function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Wall-clock ms of one command run to completion; throws with its output when it fails. */
export function time(cmd, args, env) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}\n${(r.stdout ?? '').slice(-2000)}`);
  return ms;
}

export const dockerUp = () => existsSync(DOCKER_SOCK) && spawnSync('docker', ['-H', `unix://${DOCKER_SOCK}`, 'version'], { stdio: 'ignore' }).status === 0;

/** One Engine API call over a unix socket; resolves {status, body}. */
export function api(socket, method, path, body, headers = {}) {
  return new Promise((res, rej) => {
    const req = request({ socketPath: socket, method, path, headers }, (r) => {
      const chunks = [];
      r.on('data', (c) => chunks.push(c));
      r.on('end', () => res({ status: r.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', rej);
    req.end(body);
  });
}

/**
 * Starts a berthd on `<tmp>/berthd.sock` with data and exec roots under `tmp` and network names
 * of its own; resolves once it answers `/_ping`. `stop()` ends it (by pid), unmounts what it
 * left under `tmp` and sweeps its bridge, rules and chains.
 */
export async function startBerthd(tmp, extraArgs = []) {
  const { pickDaemonNetwork, daemonNetworkArgs } = await import(join(REPO, 'dist/test/e2e/network-names.js'));
  const { sweepNetworks } = await import(join(REPO, 'dist/test/e2e/network-sweep.js'));
  const socket = join(tmp, 'berthd.sock');
  const dataRoot = join(tmp, 'data');
  const args = [
    join(REPO, 'dist/bin/berthd.mjs'),
    '-H',
    `unix://${socket}`,
    '--data-root',
    dataRoot,
    '--exec-root',
    join(tmp, 'run'),
    ...daemonNetworkArgs(pickDaemonNetwork(tmp)),
    ...extraArgs,
  ];
  // BERTHD_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles the daemon; BERTHD_LOG
  // names a file for its output (with -D for the per-phase debug timings).
  const nodeArgs = (process.env.BERTHD_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const logFd = process.env.BERTHD_LOG ? openSync(process.env.BERTHD_LOG, 'a') : 'ignore';
  const child = spawn(process.execPath, [...nodeArgs, ...args], { stdio: ['ignore', logFd, logFd] });
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    sweepLeftovers(tmp);
    await sweepNetworks(tmp, dataRoot);
  };
  for (let i = 0; ; i++) {
    if ((await api(socket, 'GET', '/_ping').catch(() => ({ status: 0 }))).status === 200) break;
    if (i > 300 || child.exitCode !== null) {
      await stop();
      throw new Error('berthd did not start');
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { socket, stop, pid: child.pid, dataRoot };
}

/** `--name` given on the command line (a boolean flag). */
export const flag = (name) => process.argv.includes(`--${name}`);

/** `--name V` as a string, or the default. */
export function strArg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
}

/** Percentile (0..100) of samples, nearest rank. */
export function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)];
}

/**
 * The rows a benchmark hands to run-all.mjs: with `--json FILE` they are written there as
 * `{ rows: [{ bench, berth, docker, unit, target, note }] }` — `berth`/`docker` in `unit` (ms or
 * MiB), `target` the largest berth/Docker ratio the issue accepts (omitted when there is none).
 */
export function writeRows(rows) {
  const file = strArg('json');
  if (file) writeFileSync(file, JSON.stringify({ rows }, null, 2));
}

/** Memory of a process from /proc/<pid>/smaps_rollup, in KiB: { rss, pss } (zeros if it is gone). */
export function memKiB(pid) {
  try {
    const t = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(t)?.[1] ?? 0);
    return { rss: kb('Rss'), pss: kb('Pss') };
  } catch {
    return { rss: 0, pss: 0 };
  }
}

/** Pids whose /proc/<pid>/comm is `comm` and whose command line contains `needle`. */
export function pidsOf(comm, needle = '') {
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() !== comm) continue;
      if (needle && !readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(needle)) continue;
      out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

/**
 * What a stopped berthd under `tmp` may leave running or mounted (containers outlive it by
 * design): its runc containers (state root `<tmp>/run/runc`) are deleted, which ends their
 * conmons, then every mount under `tmp` is unmounted, deepest first. Only things under `tmp`.
 */
export function sweepLeftovers(tmp) {
  const root = join(tmp, 'run', 'runc');
  if (existsSync(root)) {
    const ids = spawnSync('runc', ['--root', root, 'list', '-q'], { encoding: 'utf8' }).stdout?.split('\n').filter(Boolean) ?? [];
    for (const id of ids) spawnSync('runc', ['--root', root, 'delete', '--force', id], { stdio: 'ignore' });
  }
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1]?.replace(/\\040/g, ' '))
    .filter((m) => m && m.startsWith(`${tmp}/`))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) spawnSync('umount', [m], { stdio: 'ignore' });
}
