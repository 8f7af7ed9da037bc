/**
 * End-to-end harness: a real berthd on its own socket, data root and exec root under a fresh
 * `/tmp/berth-e2e-*` dir, driven through the real `docker` CLI, our `berth` CLI or raw API calls.
 *
 * Lifecycle: `startDaemon()` → tests → `stop()` (in an `after` hook, so it runs on failure too).
 * `stop()` removes every container through the API, stops the daemon and then sweeps whatever a
 * broken daemon may have left: runc containers, conmon processes, mounts and cgroups of this
 * daemon's containers, and the dir itself. Nothing is shared between daemons, so test files may
 * run in parallel.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerIds, sweep, waitGone } from './cleanup.js';
import { daemonNetworkArgs, pickDaemonNetwork } from './network-names.js';
import { apiRequest, ROOT, runProgram, type ApiResponse, type RunOptions, type RunResult } from './clients.js';

export type { ApiResponse, RunOptions, RunResult } from './clients.js';
export { cgroupsOf, conmonPids, isConmonOf, mountsUnder, processAlive, sweepDir } from './cleanup.js';

const BERTHD = join(ROOT, 'dist', 'bin', 'berthd.mjs');
const BERTH = join(ROOT, 'dist', 'bin', 'berth.cjs');

export interface DaemonOptions {
  /** Extra berthd flags (e.g. `['--storage-driver', 'vfs']`). */
  args?: string[];
  /** Skip importing busybox:latest. */
  noBusybox?: boolean;
  /**
   * daemon.json content (an object, or raw text) written to `<dir>/daemon.json`. Every daemon gets
   * `--config-file <dir>/daemon.json` (`{}` by default), so the host's /etc/berth/daemon.json never
   * leaks into a test; unless `args` names its own `--config-file`.
   */
  config?: Record<string, unknown> | string;
  /** Start under `systemd-socket-activate`: the socket is passed as fd 3 and berthd gets `-H fd://`. */
  socketActivation?: boolean;
  /**
   * Runs before the first berthd starts, given the harness dir (e.g. to mount a small filesystem
   * at `<dir>/data`; mounts under the dir are unmounted by `stop()`).
   */
  prepare?: (dir: string) => Promise<void>;
}

export interface Daemon {
  dir: string;
  /** The daemon.json berthd reads (`--config-file`); rewrite it and send SIGHUP to reload. */
  configFile: string;
  socket: string;
  dataRoot: string;
  execRoot: string;
  /** The current berthd's pid (changes on restart). */
  readonly pid: number;
  /** How the last berthd process ended (undefined while it runs). */
  readonly exitStatus: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  docker(args: string[], opts?: RunOptions): Promise<RunResult>;
  berth(args: string[], opts?: RunOptions): Promise<RunResult>;
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  /** SIGKILL the daemon (its process group only: containers live under conmon, which survives). */
  kill9(): Promise<void>;
  /**
   * Starts a new berthd on the same dirs (stopping the old one first if it still runs); `env` is
   * added to its environment (e.g. `BERTH_CRASH_AT`, the crash-point hook).
   */
  restart(env?: Record<string, string>): Promise<void>;
  /** berthd's stderr so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let busyboxTar: Promise<string> | undefined;

/** Daemons not yet stopped: an interrupted run (Ctrl-C, the runner's SIGTERM) still cleans them up. */
const live = new Set<Daemon>();
let signalsHooked = false;

function stopOnSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      void Promise.allSettled([...live].map((d) => d.stop())).finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
    });
  }
}

/** The busybox rootfs tar, built once per process into os.tmpdir() and removed when the process exits. */
export function busyboxRootfs(): Promise<string> {
  busyboxTar ??= (async () => {
    const path = join(tmpdir(), `berth-e2e-busybox-${process.pid}.tar`);
    const r = await runProgram(join(ROOT, 'scripts', 'busybox-rootfs'), [path], process.env, { timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`scripts/busybox-rootfs failed: ${r.stderr}`);
    process.once('exit', () => rmSync(path, { force: true }));
    return path;
  })();
  return busyboxTar;
}

/** Starts a berthd in a fresh temp dir and imports busybox:latest into it. */
export async function startDaemon(opts: DaemonOptions = {}): Promise<Daemon> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-e2e-'));
  const socket = join(dir, 'berthd.sock');
  const dataRoot = join(dir, 'data');
  const execRoot = join(dir, 'run');
  const dockerConfig = join(dir, 'docker-config');
  const logPath = join(dir, 'berthd.log');
  const configFile = join(dir, 'daemon.json');
  const cfg = opts.config ?? {};
  await writeFile(configFile, typeof cfg === 'string' ? cfg : `${JSON.stringify(cfg, null, 2)}\n`);
  const configArgs = (opts.args ?? []).includes('--config-file') ? [] : ['--config-file', configFile];
  await mkdir(dockerConfig);
  await writeFile(join(dockerConfig, 'config.json'), '{}\n');
  const netArgs = daemonNetworkArgs(pickDaemonNetwork(dir));

  // A clean environment for clients: never the user's docker context, config or TLS settings.
  const baseEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_API_VERSION', 'BERTH_CRASH_AT']) delete baseEnv[k];
  const dockerEnv = { ...baseEnv, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: dockerConfig, DOCKER_CLI_HINTS: 'false' };
  const berthEnv = { ...baseEnv, BERTH_HOST: `unix://${socket}`, DOCKER_CONFIG: dockerConfig };

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let exitStatus: Daemon['exitStatus'];
  let stopping: Promise<void> | undefined;

  const log = (): string => {
    try {
      return readFileSync(logPath, 'utf8');
    } catch {
      return '';
    }
  };

  const spawnDaemon = async (extraEnv: Record<string, string> = {}): Promise<void> => {
    const fd = openSync(logPath, 'a');
    try {
      const daemonArgs = ['--data-root', dataRoot, '--exec-root', execRoot, ...configArgs, ...netArgs, ...(opts.args ?? [])];
      const [cmd, ...argv] = opts.socketActivation
        ? ['systemd-socket-activate', '-l', socket, process.execPath, BERTHD, '-H', 'fd://', ...daemonArgs]
        : [process.execPath, BERTHD, '-H', `unix://${socket}`, ...daemonArgs];
      exitStatus = undefined;
      child = spawn(cmd!, argv, {
        cwd: ROOT,
        detached: true, // its own process group: kill9() hits berthd (and its helpers), never conmon
        stdio: ['ignore', fd, fd],
        env: { ...baseEnv, ...extraEnv },
      });
    } finally {
      closeSync(fd);
    }
    const c = child;
    exited = new Promise((r) =>
      c.once('exit', (code, signal) => {
        exitStatus = { code, signal };
        r();
      }),
    );
    for (const end = Date.now() + 15_000; ; await sleep(25)) {
      if (c.exitCode !== null || c.signalCode !== null) throw new Error(`berthd exited during start-up:\n${log()}`);
      const ok = await apiRequest(socket, 'GET', '/_ping').then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return;
      if (Date.now() > end) throw new Error(`berthd did not answer /_ping within 15 s:\n${log()}`);
    }
  };

  const killGroup = async (signal: NodeJS.Signals): Promise<void> => {
    const c = child;
    if (c?.pid === undefined || c.exitCode !== null || c.signalCode !== null) return;
    try {
      process.kill(-c.pid, signal);
    } catch {
      // already gone
    }
    await exited;
  };

  const daemon: Daemon = {
    dir,
    configFile,
    socket,
    dataRoot,
    execRoot,
    get pid() {
      return child?.pid ?? 0;
    },
    get exitStatus() {
      return exitStatus;
    },
    docker: (args, o) => runProgram('docker', args, dockerEnv, o),
    berth: (args, o) => runProgram(process.execPath, [BERTH, ...args], berthEnv, o),
    api: (method, path, body, headers) => apiRequest(socket, method, path, body, headers),
    kill9: () => killGroup('SIGKILL'),
    async restart(env) {
      await stopDaemonProcess();
      await spawnDaemon(env);
    },
    log,
    stop() {
      stopping ??= (async () => {
        const ids = await containerIds(dataRoot, execRoot);
        if (child !== undefined && child.exitCode === null && child.signalCode === null) {
          await removeAllContainers(socket).catch(() => undefined);
        }
        await stopDaemonProcess();
        await sweep({ dir, dataRoot, execRoot, ids });
      })().finally(() => live.delete(daemon));
      return stopping;
    },
  };
  live.add(daemon);
  stopOnSignals();

  async function stopDaemonProcess(): Promise<void> {
    const c = child;
    if (c?.pid === undefined || c.exitCode !== null || c.signalCode !== null) return;
    try {
      process.kill(c.pid, 'SIGTERM');
    } catch {
      return;
    }
    if (!(await waitGone(c.pid, 3000))) await killGroup('SIGKILL');
    await exited;
  }

  try {
    await opts.prepare?.(dir);
    await spawnDaemon();
    if (!opts.noBusybox) await importBusybox(socket);
  } catch (err) {
    await daemon.stop();
    throw err;
  }
  return daemon;
}

async function importBusybox(socket: string): Promise<void> {
  const tar = await readFile(await busyboxRootfs());
  const changes = encodeURIComponent('CMD ["sh"]');
  const r = await apiRequest(socket, 'POST', `/v1.41/images/create?fromSrc=-&repo=busybox:latest&changes=${changes}`, tar, {
    'Content-Type': 'application/x-tar',
  });
  if (r.status !== 200) throw new Error(`importing busybox failed: ${r.status} ${r.body}`);
}

async function removeAllContainers(socket: string): Promise<void> {
  const r = await apiRequest(socket, 'GET', '/v1.41/containers/json?all=1');
  const list = (r.json ?? []) as { Id: string }[];
  await Promise.all(list.map((c) => apiRequest(socket, 'DELETE', `/v1.41/containers/${c.Id}?force=1`).catch(() => undefined)));
}

/** Polls `check` until it returns a value other than undefined/false, or throws after `ms`. */
/** Runs the docker CLI against `d` and returns its stdout; fails the test, with berthd's log tail, unless it exits 0. */
export async function dockerOk(d: Daemon, args: string[], opts: RunOptions = { timeoutMs: 60_000 }): Promise<string> {
  const r = await d.docker(args, opts);
  assert.equal(r.code, 0, `docker ${args.join(' ')} exited ${r.code}\nstderr: ${r.stderr}\nberthd log (tail):\n${d.log().slice(-3000)}`);
  return r.stdout;
}

export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, ms = 5000): Promise<T> {
  for (const end = Date.now() + ms; ; await sleep(50)) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}
