#!/usr/bin/env node
// Run latency: `berth run --rm busybox true` (default network and --network none) against the floor
// (`runc run` of the same busybox rootfs), the real docker CLI against berthd, and a Docker engine when one is
// reachable (or started with --with-docker), printing medians and ratios in one run. A benchmark, not a test.
//
//   node bench/run-latency.mjs [--runs N] [--warmup N] [--with-docker] [--no-docker]
//
// Needs root, a built dist/ (`npm run build`), runc, conmon and the docker CLI. Everything it starts (its own
// berthd on a temp socket and data root, runc state, a Docker engine it started, the image it imported there)
// is cleaned up on exit, on failure and on Ctrl-C; it never signals a process it did not start.
import { spawn, spawnSync } from 'node:child_process';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  readFileSync,
  readdirSync,
  rmSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BERTHD = join(REPO, 'dist/bin/berthd.mjs');
const BERTH = join(REPO, 'dist/bin/berth.cjs');
const DOCKER_SOCK = '/var/run/docker.sock';
const DOCKER_IMAGE = 'berth-bench-busybox:latest'; // own tag, so a busybox:latest already in that engine is left alone
const RUNC = process.env.RUNC ?? 'runc';
const CA_VAR = 'NODE_EXTRA_CA_CERTS';
const RUN_TIMEOUT_MS = 30_000; // one timed run; a hang marks the case failed

// ---------- options ----------
const USAGE = `Usage: node bench/run-latency.mjs [options]
  --runs N        timed runs per case (default 20)
  --warmup N      untimed runs per case first (default 2)
  --with-docker   start a Docker engine (bench/docker-engine.sh) if none answers on ${DOCKER_SOCK}; stopped at the end
  --no-docker     leave out the Docker engine cases even if one is reachable
  --quick         10 runs after 1 warm-up
  --json FILE     also write the result rows for run-all.mjs to FILE
  -h, --help
`;
const opts = { runs: 20, warmup: 2, withDocker: false, noDocker: false, json: undefined };
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = (name) => {
      const v = Number(a.includes('=') ? a.split('=')[1] : argv[++i]);
      if (!Number.isInteger(v) || v < 0) die(`${name} needs a whole number`);
      return v;
    };
    if (a === '--runs' || a.startsWith('--runs=')) opts.runs = num('--runs');
    else if (a === '--warmup' || a.startsWith('--warmup=')) opts.warmup = num('--warmup');
    else if (a === '--with-docker') opts.withDocker = true;
    else if (a === '--no-docker') opts.noDocker = true;
    else if (a === '--quick') Object.assign(opts, { runs: 10, warmup: 1 });
    else if (a === '--json') opts.json = argv[++i];
    else if (a === '-h' || a === '--help') {
      process.stdout.write(USAGE);
      process.exit(0);
    } else die(`unknown option ${a}\n${USAGE}`);
  }
  if (opts.runs < 1) die('--runs must be at least 1');
}

function die(msg) {
  process.stderr.write(`run-latency: ${msg}\n`);
  process.exit(2);
}
const note = (msg) => process.stderr.write(`run-latency: ${msg}\n`);

// ---------- cleanup: a stack of undo steps, run once, on every way out ----------
const undo = [];
let cleaning = null;
async function cleanup() {
  cleaning ??= (async () => {
    while (undo.length) {
      const { what, fn } = undo.pop();
      try {
        await fn();
      } catch (err) {
        note(`cleanup (${what}) failed: ${err.message}`);
      }
    }
  })();
  return cleaning;
}
// Timed runs use spawnSync, so a signal is handled between runs (measure() yields after each one).
const SIGNUM = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };
let interrupted = null;
for (const sig of Object.keys(SIGNUM)) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = sig;
    note(`${sig}: cleaning up`);
    void cleanup().finally(() => process.exit(128 + SIGNUM[sig]));
  });
}
const yieldToSignals = () => new Promise((r) => setImmediate(r));
async function checkInterrupted() {
  await yieldToSignals();
  if (interrupted) throw new Error(`interrupted by ${interrupted}`);
}

// ---------- helpers ----------
function sh(cmd, args, { env = process.env, input, allowFail = false, timeout = 120_000 } = {}) {
  const r = spawnSync(cmd, args, { env, input, encoding: 'utf8', timeout, killSignal: 'SIGKILL', maxBuffer: 64 << 20 });
  const res = { code: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
  if (!allowFail && (r.error || r.status !== 0)) {
    throw new Error(`${cmd} ${args.join(' ')}: ${r.error?.message ?? `exit ${r.status ?? r.signal}`}\n${res.stderr.trim()}`);
  }
  return res;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const firstLine = (s) => s.trim().split('\n')[0] ?? '';
const lastLines = (s, n = 6) => s.trim().split('\n').slice(-n).join('\n');
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const envWithout = (name) => {
  const e = { ...process.env };
  delete e[name];
  return e;
};

/** One HTTP request over a unix socket; resolves with status and body text. */
function api(socketPath, method, path, { body, headers = {}, timeout = 60_000 } = {}) {
  return new Promise((ok, fail) => {
    const req = request({ socketPath, method, path, headers, timeout }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => ok({ status: res.statusCode, body: text }));
      res.on('error', fail);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on('error', fail);
    if (body && typeof body.pipe === 'function') body.pipe(req);
    else req.end(body);
  });
}

function mountsUnder(dir) {
  return readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1])
    .filter((m) => m && m.replace(/\\040/g, ' ').startsWith(dir + '/'))
    .map((m) => m.replace(/\\040/g, ' '))
    .sort((a, b) => b.length - a.length);
}

/** Removes the containers runc knows under a state root (ours only: the root is our temp dir). */
function runcSweep(root) {
  if (!existsSync(root)) return;
  const r = sh(RUNC, ['--root', root, 'list', '-q'], { allowFail: true });
  for (const id of r.stdout.split('\n').filter(Boolean)) {
    sh(RUNC, ['--root', root, 'delete', '--force', id], { allowFail: true });
  }
}

// ---------- statistics and timing ----------
function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const n = s.length;
  const median = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  const at = (p) => s[Math.max(0, Math.ceil(p * n) - 1)];
  return { n, median, p90: at(0.9), p95: at(0.95), min: s[0] };
}

/** Times one spawn of a case; throws when the command fails (a failed run is not a latency). */
function timeOnce(c) {
  const t0 = performance.now();
  // SIGKILL on timeout: `docker run` forwards SIGTERM to the container and keeps waiting.
  const r = spawnSync(c.cmd, c.args, { env: c.env, encoding: 'utf8', timeout: RUN_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 16 << 20 });
  const ms = performance.now() - t0;
  if (r.error || r.status !== 0) {
    if (r.error?.code === 'ETIMEDOUT')
      throw new Error(`no exit after ${RUN_TIMEOUT_MS / 1000} s (killed): ${lastLines(`${r.stdout ?? ''}\n${r.stderr ?? ''}`, 3)}`);
    throw new Error(`exit ${r.status ?? r.signal ?? r.error?.message}: ${lastLines(`${r.stdout ?? ''}\n${r.stderr ?? ''}`, 3)}`);
  }
  if (c.expect && !c.expect(r.stdout)) throw new Error(`unexpected output: ${firstLine(r.stdout)}`);
  return ms;
}

/** Warm-up per case, then timed rounds interleaving the cases so that drift hits them alike. */
async function measure(cases, label) {
  const live = cases.filter((c) => !c.skip);
  for (const c of live) {
    c.samples = [];
    try {
      for (let i = 0; i < opts.warmup; i++) {
        timeOnce(c.prep ? c.prep(`w${i}`) : c);
        await checkInterrupted();
      }
    } catch (err) {
      if (interrupted) throw err;
      c.skip = `failed in warm-up: ${err.message}`;
    }
  }
  const running = live.filter((c) => !c.skip);
  for (let round = 0; round < opts.runs; round++) {
    if (process.stderr.isTTY) process.stderr.write(`\r${label}: round ${round + 1}/${opts.runs}   `);
    for (const c of running) {
      if (c.skip) continue;
      try {
        c.samples.push(timeOnce(c.prep ? c.prep(String(round)) : c));
      } catch (err) {
        c.skip = `failed in round ${round + 1}: ${err.message}`;
      }
      await checkInterrupted();
    }
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
  for (const c of cases) if (!c.skip) c.stats = stats(c.samples);
}

const f1 = (x) => x.toFixed(1);
const ratio = (a, b) => (a && b ? `${(a.median / b.median).toFixed(2)}x` : '-');

function printTable(title, cases, baseline, baseLabel) {
  const rows = [['case', 'median ms', 'p90 ms', 'p95 ms', 'min ms', `vs ${baseLabel}`]];
  const skipped = [];
  for (const c of cases) {
    if (c.skip) {
      rows.push([c.name, '-', '-', '-', '-', '-']);
      skipped.push(`  ${c.name}: skipped: ${c.skip}`);
      continue;
    }
    rows.push([c.name, f1(c.stats.median), f1(c.stats.p90), f1(c.stats.p95), f1(c.stats.min), baseline?.stats ? ratio(c.stats, baseline.stats) : '-']);
  }
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r) => r.map((cell, i) => (i === 0 ? cell.padEnd(w[i]) : cell.padStart(w[i]))).join('  ');
  console.log(`\n${title}`);
  console.log(line(rows[0]));
  console.log(w.map((n) => '-'.repeat(n)).join('  '));
  for (const r of rows.slice(1)) console.log(line(r));
  for (const s of skipped) console.log(s);
}

// ---------- main ----------
async function main() {
  if (process.getuid?.() !== 0) die('needs root (runc, overlay mounts, berthd)');
  if (!existsSync(BERTHD)) die(`${BERTHD} missing: run \`npm run build\` first`);
  for (const [bin, why] of [
    [RUNC, 'runc'],
    ['conmon', 'conmon'],
    ['docker', 'the docker CLI'],
  ]) {
    if (sh('sh', ['-c', `command -v ${bin}`], { allowFail: true }).code !== 0) die(`${why} not found on PATH`);
  }

  const tmp = mkdtempSync('/tmp/berth-bench-');
  undo.push({
    what: `temp dir ${tmp}`,
    fn: () => {
      for (const m of mountsUnder(tmp)) sh('umount', ['-l', m], { allowFail: true });
      rmSync(tmp, { recursive: true, force: true });
    },
  });

  // The busybox rootfs tar: the same bytes for every engine.
  const tar = join(tmp, 'busybox.tar');
  sh(join(REPO, 'scripts/busybox-rootfs'), [tar]);

  // ----- the floor: plain runc run of the same rootfs -----
  const bundle = join(tmp, 'bundle');
  const runcRoot = join(tmp, 'runc-state');
  const cgroupName = `berth-bench-${process.pid}`;
  mkdirSync(join(bundle, 'rootfs'), { recursive: true });
  mkdirSync(runcRoot, { recursive: true });
  sh('tar', ['-xf', tar, '-C', join(bundle, 'rootfs')]);
  sh(RUNC, ['spec', '--bundle', bundle]);
  const spec = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8'));
  spec.process.args = ['true'];
  spec.process.terminal = false;
  spec.linux.cgroupsPath = `/${cgroupName}`; // absolute: not nested under this shell's cgroups
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec, null, 2));
  undo.push({
    what: 'runc baseline state and cgroups',
    fn: () => {
      runcSweep(runcRoot);
      const cg = '/sys/fs/cgroup';
      const dirs = [join(cg, cgroupName), ...readdirSync(cg).map((c) => join(cg, c, cgroupName))];
      for (const d of dirs)
        if (existsSync(d)) {
          try {
            rmdirSync(d);
          } catch {
            /* busy or gone */
          }
        }
    },
  });

  // ----- our berthd on a temp socket and data root -----
  const sock = join(tmp, 's.sock');
  const berthHost = `unix://${sock}`;
  const execRoot = join(tmp, 'run');
  // BERTHD_LOG keeps the daemon's output past the run; BERTHD_ARGS (e.g. `-D`, for the `timing …` lines) adds flags.
  const logPath = process.env.BERTHD_LOG || join(tmp, 'berthd.log');
  const logFd = openSync(logPath, 'a');
  // Its own bridge and subnets, whose rules are tagged with the bridge (as the e2e harness does); swept after the daemon stops.
  const { pickDaemonNetwork, daemonNetworkArgs } = await import(join(REPO, 'dist/test/e2e/network-names.js'));
  const { sweepNetworks } = await import(join(REPO, 'dist/test/e2e/network-sweep.js'));
  const netArgs = daemonNetworkArgs(pickDaemonNetwork(tmp));
  undo.push({
    what: "the bench daemon's bridge and rules",
    fn: async () => {
      const problems = await sweepNetworks(tmp, join(tmp, 'data'));
      if (problems.length) throw new Error(problems.join('; '));
    },
  });
  const daemon = spawn(
    process.execPath,
    [
      BERTHD,
      '-H',
      berthHost,
      '--data-root',
      join(tmp, 'data'),
      '--exec-root',
      execRoot,
      ...netArgs,
      ...(process.env.BERTHD_ARGS || '').split(' ').filter(Boolean),
    ],
    {
      detached: true, // own session and process group: a Ctrl-C here does not reach it; cleanup stops it
      stdio: ['ignore', logFd, logFd],
    },
  );
  closeSync(logFd);
  daemon.unref();
  let daemonExited = false;
  daemon.on('exit', () => (daemonExited = true));
  undo.push({
    what: `berthd (pid ${daemon.pid})`,
    fn: async () => {
      if (!daemonExited && alive(daemon.pid)) {
        // Containers first, through the API, while the daemon still runs.
        try {
          const list = await api(sock, 'GET', '/v1.41/containers/json?all=1', { timeout: 5000 });
          for (const ctr of JSON.parse(list.body)) await api(sock, 'DELETE', `/v1.41/containers/${ctr.Id}?force=1&v=1`, { timeout: 15_000 }).catch(() => {});
        } catch {
          /* daemon not answering: the runc sweep below does it */
        }
        process.kill(daemon.pid, 'SIGTERM');
        for (let i = 0; i < 100 && !daemonExited && alive(daemon.pid); i++) await sleep(100);
        if (!daemonExited && alive(daemon.pid)) {
          note(`berthd (pid ${daemon.pid}) ignored SIGTERM: SIGKILL`);
          process.kill(daemon.pid, 'SIGKILL');
          for (let i = 0; i < 50 && !daemonExited && alive(daemon.pid); i++) await sleep(100);
        }
      }
      // Anything its conmons left (their runc root is under our exec root).
      runcSweep(join(execRoot, 'runc'));
    },
  });
  const ping = () =>
    api(sock, 'GET', '/_ping', { timeout: 1000 }).then(
      (r) => r.status === 200,
      () => false,
    );
  for (let i = 0; ; i++) {
    if (await ping()) break;
    if (daemonExited || i > 150) throw new Error(`berthd did not come up:\n${lastLines(readFileSync(logPath, 'utf8'))}`);
    await sleep(100);
  }
  const imp = await api(sock, 'POST', `/v1.41/images/create?fromSrc=-&repo=busybox:latest&changes=${encodeURIComponent('CMD ["sh"]')}`, {
    body: createReadStream(tar),
    headers: { 'Content-Type': 'application/x-tar', 'Transfer-Encoding': 'chunked' },
  });
  if (imp.status !== 200 || /"error"/.test(imp.body)) throw new Error(`importing busybox into berthd: ${imp.status} ${imp.body.trim()}`);

  const caSet = process.env[CA_VAR] !== undefined;
  const envPlain = envWithout(CA_VAR);
  const berthEnv = (base) => ({ ...base, BERTH_HOST: berthHost });
  const dockerEnv = (host) => {
    const e = { ...process.env, DOCKER_HOST: host };
    delete e.DOCKER_CONTEXT;
    return e;
  };
  const probeOut = 'berth-bench-probe';
  const hasProbe = (out) => out.includes(probeOut);
  // What a container gets from each engine's default network (the probes run `ls /sys/class/net`),
  // so that a default-network ratio between unlike setups is flagged in the output.
  const NET_PROBE = `echo ${probeOut}; ls /sys/class/net`;
  const interfaces = (out) =>
    out
      .split(/\s+/)
      .filter((w) => w && w !== probeOut)
      .sort()
      .join(' ') || '(none)';
  const netSeen = {};

  await checkInterrupted();
  // ----- our CLI: does it work yet? -----
  let berthVersionSkip = null;
  let berthRunSkip = null;
  let berthRunNoneSkip = null;
  let berthGlobal = ['-H', berthHost];
  {
    if (!existsSync(BERTH)) berthVersionSkip = `${BERTH} missing`;
    else {
      const v = sh(BERTH, ['--version'], { allowFail: true });
      if (v.code !== 0 || !/\d+\.\d+/.test(v.stdout))
        berthVersionSkip = `\`berth --version\` does not print a version yet (exit ${v.code}: ${firstLine(v.stdout + v.stderr) || 'no output'})`;
    }

    // Try `-H unix://…` first, then BERTH_HOST alone (always set), and keep whichever works.
    const probe = (extra) => {
      let first = null;
      for (const global of [['-H', berthHost], []]) {
        const r = sh(BERTH, [...global, 'run', '--rm', ...extra, 'busybox', 'echo', probeOut], {
          env: berthEnv(process.env),
          allowFail: true,
          timeout: 30_000,
        });
        if (r.code === 0 && hasProbe(r.stdout)) return { global };
        first ??= r;
      }
      return {
        why: `\`berth run --rm ${extra.length ? extra.join(' ') + ' ' : ''}busybox echo …\` does not work yet (exit ${first.code ?? first.signal}: ${firstLine(first.stdout + '\n' + first.stderr) || 'no output'})`,
      };
    };
    if (!existsSync(BERTH)) berthRunSkip = berthRunNoneSkip = `${BERTH} missing`;
    else {
      const p = probe([]);
      if (p.why) berthRunSkip = p.why;
      else berthGlobal = p.global;
      const q = probe(['--network', 'none']);
      if (q.why) berthRunNoneSkip = q.why;
      else if (p.why) berthGlobal = q.global;
    }
  }

  // ----- docker CLI against berthd -----
  let dockerBerthSkip = null;
  let dockerBerthNoneSkip = null;
  {
    const p = (extra) => {
      const r = sh('docker', ['run', '--rm', ...extra, 'busybox', 'sh', '-c', NET_PROBE], { env: dockerEnv(berthHost), allowFail: true, timeout: 30_000 });
      if (r.code === 0 && hasProbe(r.stdout)) {
        netSeen[`berthd${extra.length ? ' --network none' : ''}`] = interfaces(r.stdout);
        return null;
      }
      return `docker run against berthd failed (exit ${r.code ?? r.signal}: ${firstLine(r.stderr || r.stdout)})`;
    };
    dockerBerthSkip = p([]);
    dockerBerthNoneSkip = p(['--network', 'none']);
  }

  await checkInterrupted();
  // ----- a Docker engine to compare with -----
  let dockerSkip = null;
  let dockerInfo = '';
  const dockerReachable = () =>
    sh('docker', ['version', '--format', '{{.Server.Version}}'], { env: dockerEnv(`unix://${DOCKER_SOCK}`), allowFail: true, timeout: 10_000 });
  if (opts.noDocker) dockerSkip = '--no-docker';
  else {
    let v = dockerReachable();
    let started = '';
    if (v.code !== 0 && opts.withDocker) {
      note('no Docker engine answers: starting one with bench/docker-engine.sh (may apt-get install docker.io)');
      const r = sh('bash', [join(REPO, 'bench/docker-engine.sh'), 'start'], { allowFail: true, timeout: 900_000 });
      process.stderr.write(
        r.stderr
          .split('\n')
          .filter((l) => l.startsWith('docker-engine:'))
          .map((l) => l + '\n')
          .join(''),
      );
      const kv = Object.fromEntries(
        r.stdout
          .split('\n')
          .filter((l) => l.includes('='))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      if (!kv.already_running && (kv.dockerd_pid || r.code !== 0)) {
        undo.push({
          what: 'the Docker engine bench/docker-engine.sh started',
          fn: () => {
            const s = sh('bash', [join(REPO, 'bench/docker-engine.sh'), 'stop'], { allowFail: true, timeout: 120_000 });
            process.stderr.write(s.stderr);
          },
        });
      }
      if (r.code !== 0)
        dockerSkip = `bench/docker-engine.sh start failed: ${(r.stderr.split('\n').find((l) => l.startsWith('docker-engine:')) ?? lastLines(r.stderr, 1)).replace(/^docker-engine: /, '')}`;
      else {
        started = kv.dockerd_pid ? `started by this run (dockerd pid ${kv.dockerd_pid}, network: ${kv.dockerd_network})` : '';
        v = dockerReachable();
      }
    }
    if (!dockerSkip && v.code !== 0) dockerSkip = `no Docker engine answers on ${DOCKER_SOCK}${opts.withDocker ? '' : ' (pass --with-docker to start one)'}`;
    if (!dockerSkip) {
      dockerInfo = `Docker engine ${v.stdout.trim()} on ${DOCKER_SOCK}${started ? `, ${started}` : ' (already running)'}`;
      sh('docker', ['import', '-c', 'CMD ["sh"]', tar, DOCKER_IMAGE], { env: dockerEnv(`unix://${DOCKER_SOCK}`) });
      undo.push({
        what: `${DOCKER_IMAGE} in Docker`,
        fn: () => sh('docker', ['rmi', '-f', DOCKER_IMAGE], { env: dockerEnv(`unix://${DOCKER_SOCK}`), allowFail: true }),
      });
    }
  }
  let dockerNoneSkip = dockerSkip;
  let dockerDefaultSkip = dockerSkip;
  if (!dockerSkip) {
    const p = (extra) => {
      const r = sh('docker', ['run', '--rm', ...extra, DOCKER_IMAGE, 'sh', '-c', NET_PROBE], {
        env: dockerEnv(`unix://${DOCKER_SOCK}`),
        allowFail: true,
        timeout: 60_000,
      });
      if (r.code === 0 && hasProbe(r.stdout)) {
        netSeen[`Docker${extra.length ? ' --network none' : ''}`] = interfaces(r.stdout);
        return null;
      }
      return `docker run against Docker failed (exit ${r.code ?? r.signal}: ${firstLine(r.stderr || r.stdout)})`;
    };
    dockerDefaultSkip = p([]);
    dockerNoneSkip = p(['--network', 'none']);
  }

  await checkInterrupted();
  // ----- versions -----
  const ver = (cmd, args) => firstLine(sh(cmd, args, { allowFail: true }).stdout) || '?';
  console.log('berth run-latency benchmark');
  console.log(
    `  node ${process.version}; ${ver(RUNC, ['--version'])}; ${ver('conmon', ['--version'])}; docker CLI ${ver('docker', ['version', '--format', '{{.Client.Version}}'])}`,
  );
  console.log(`  berthd: ${BERTHD} on ${berthHost}; berth CLI pointed at it with ${berthGlobal.length ? '-H' : 'BERTH_HOST'}`);
  console.log(`  ${dockerInfo || `Docker engine: skipped: ${dockerSkip}`}`);
  const netLine = Object.entries(netSeen)
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
  if (netLine) console.log(`  container network interfaces: ${netLine}`);
  const unlike = netSeen.berthd && netSeen.Docker && netSeen.berthd !== netSeen.Docker;
  if (unlike)
    console.log(`  note: the default network differs (berthd: ${netSeen.berthd}; Docker: ${netSeen.Docker}): default-network ratios compare unlike work`);
  console.log(`  ${opts.runs} timed runs per case after ${opts.warmup} warm-up, cases interleaved; times are wall clock from spawn to exit`);
  console.log(`  berth is run as a user runs it (its own #! line, which leaves ${CA_VAR} out); node -e 0 is shown with and without ${CA_VAR}`);

  // ----- CLI start-up alone -----
  const startup = [
    { name: `node -e 0${caSet ? ` (${CA_VAR} set)` : ''}`, cmd: process.execPath, args: ['-e', '0'], env: process.env },
    ...(caSet ? [{ name: `node -e 0 (no ${CA_VAR})`, cmd: process.execPath, args: ['-e', '0'], env: envPlain }] : []),
    { name: 'berth --version', cmd: BERTH, args: ['--version'], env: process.env, skip: berthVersionSkip },
    { name: 'docker --version', cmd: 'docker', args: ['--version'], env: process.env },
  ];
  await measure(startup, 'start-up');
  const dockerVersionBase = startup.find((c) => c.name.startsWith('docker --version'));

  // ----- run latency -----
  const runcCase = {
    name: 'runc run (same rootfs, `true`)',
    cmd: RUNC,
    env: process.env,
    prep(tag) {
      return { ...this, args: ['--root', runcRoot, 'run', '--bundle', bundle, `bb-${process.pid}-${tag}`] };
    },
  };
  const berthRun = (extra, skip) => ({
    name: `berth run --rm ${extra.length ? extra.join(' ') + ' ' : ''}busybox true`,
    cmd: BERTH,
    args: [...berthGlobal, 'run', '--rm', ...extra, 'busybox', 'true'],
    env: berthEnv(process.env),
    skip,
  });
  const dockerRun = (host, image, extra, label, skip) => ({
    name: `docker run --rm ${extra.length ? extra.join(' ') + ' ' : ''}busybox true → ${label}`,
    cmd: 'docker',
    args: ['run', '--rm', ...extra, image, 'true'],
    env: dockerEnv(host),
    skip,
  });
  const none = ['--network', 'none'];
  const cases = {
    runc: runcCase,
    berth: berthRun([], berthRunSkip),
    berthNone: berthRun(none, berthRunNoneSkip),
    dockerBerth: dockerRun(berthHost, 'busybox', [], 'berthd', dockerBerthSkip),
    dockerBerthNone: dockerRun(berthHost, 'busybox', none, 'berthd', dockerBerthNoneSkip),
    docker: dockerRun(`unix://${DOCKER_SOCK}`, DOCKER_IMAGE, [], 'Docker', dockerDefaultSkip),
    dockerNone: dockerRun(`unix://${DOCKER_SOCK}`, DOCKER_IMAGE, none, 'Docker', dockerNoneSkip),
  };
  await measure(Object.values(cases), 'run');

  printTable('CLI start-up alone', startup, dockerVersionBase?.skip ? null : dockerVersionBase, 'docker --version');
  printTable('Run latency', Object.values(cases), cases.runc.skip ? null : cases.runc, 'runc run');

  // ----- berth against Docker, from this same run -----
  const cmp = [
    ['berth CLI + berthd  vs  docker CLI + Docker (default network)', cases.berth, cases.docker],
    ['berth CLI + berthd  vs  docker CLI + Docker (--network none)', cases.berthNone, cases.dockerNone],
    ['docker CLI: berthd  vs  Docker, engine only (default network)', cases.dockerBerth, cases.docker],
    ['docker CLI: berthd  vs  Docker, engine only (--network none)', cases.dockerBerthNone, cases.dockerNone],
  ];
  // The issue's budget: CNI set-up and teardown at most 0.3x of a default-network run.
  if (!cases.berth.skip && !cases.berthNone.skip && cases.berth.stats && cases.berthNone.stats) {
    const extra = cases.berth.stats.median - cases.berthNone.stats.median;
    console.log(
      `\nbridge vs none (berth CLI): ${f1(cases.berth.stats.median)} vs ${f1(cases.berthNone.stats.median)} ms; networking adds ${f1(extra)} ms = ${(extra / cases.berth.stats.median).toFixed(2)}x of the total (budget 0.30x)`,
    );
  }
  if (opts.json) {
    const rows = [];
    const add = (what, a, b, target) => {
      for (const [q, key] of [
        ['p50', 'median'],
        ['p95', 'p95'],
      ]) {
        rows.push({ bench: `${what} ${q}`, berth: a.stats?.[key], docker: b.stats?.[key], unit: 'ms', target: q === 'p50' ? target : undefined });
      }
    };
    add('run --rm true, bridge (berth CLI)', cases.berth, cases.docker, 0.3);
    add('run --rm true, none (berth CLI)', cases.berthNone, cases.dockerNone);
    add('run --rm true, bridge (docker CLI → berthd)', cases.dockerBerth, cases.docker, 0.3);
    add('run --rm true, none (docker CLI → berthd)', cases.dockerBerthNone, cases.dockerNone);
    rows.push({ bench: 'runc run true (floor)', berth: cases.runc.stats?.median, unit: 'ms' });
    writeFileSync(opts.json, JSON.stringify({ rows }, null, 2));
  }
  console.log('\nberth / Docker (ratio of medians; below 1 means berth is faster)');
  for (const [label, a, b] of cmp) {
    const why =
      a.skip || b.skip
        ? `${[a, b]
            .filter((c) => c.skip)
            .map((c) => `"${c.name}"`)
            .join(' and ')} skipped (see above)`
        : null;
    const caveat = unlike && label.includes('default network') ? '  [unlike networks: see note above]' : '';
    console.log(`  ${label}: ${why ? `skipped: ${why}` : `${ratio(a.stats, b.stats)}  (${f1(a.stats.median)} vs ${f1(b.stats.median)} ms)${caveat}`}`);
  }
}

let exitCode = 0;
try {
  await main();
} catch (err) {
  if (interrupted) exitCode = 128 + SIGNUM[interrupted];
  else {
    note(`failed: ${err.stack ?? err.message}`);
    exitCode = 1;
  }
} finally {
  await cleanup();
}
process.exit(exitCode);
