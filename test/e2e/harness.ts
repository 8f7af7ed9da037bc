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
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (this file runs from dist/test/e2e/). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const BERTHD = join(ROOT, 'dist', 'bin', 'berthd.mjs');
const BERTH = join(ROOT, 'dist', 'bin', 'berth.mjs');
const RUNC = '/usr/sbin/runc';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string | Buffer;
  timeoutMs?: number;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The raw body as text. */
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface DaemonOptions {
  /** Extra berthd flags (e.g. `['--storage-driver', 'vfs']`). */
  args?: string[];
  /** Skip importing busybox:latest. */
  noBusybox?: boolean;
}

export interface Daemon {
  dir: string;
  socket: string;
  dataRoot: string;
  execRoot: string;
  /** The current berthd's pid (changes on restart). */
  readonly pid: number;
  docker(args: string[], opts?: RunOptions): Promise<RunResult>;
  berth(args: string[], opts?: RunOptions): Promise<RunResult>;
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  /** SIGKILL the daemon (its process group only: containers live under conmon, which survives). */
  kill9(): Promise<void>;
  /** Starts a new berthd on the same dirs (stopping the old one first if it still runs). */
  restart(): Promise<void>;
  /** berthd's stderr so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs a program to completion; never rejects for a non-zero exit (code 124 on timeout, as timeout(1)). */
export function runProgram(file: string, args: string[], env: NodeJS.ProcessEnv, opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(file, args, { env, stdio: ['pipe', 'pipe', 'pipe'], cwd: ROOT });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 30_000);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString() + (timedOut ? `\n[harness: ${file} ${args.join(' ')} timed out]` : '');
      resolveRun({ code: timedOut ? 124 : (code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)), stdout: Buffer.concat(out).toString(), stderr });
    });
    child.stdin.on('error', () => undefined); // the program may exit without reading its input
    child.stdin.end(opts.input);
  });
}

function exec(file: string, args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(file, args, { timeout: 30_000 }, (err, stdout, stderr) => res({ ok: err === null, stdout, stderr }));
  });
}

/** An HTTP request over a unix socket. A Buffer or string body is sent as is, anything else as JSON. */
export function apiRequest(socket: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
  let payload: Buffer | undefined;
  const h: Record<string, string> = { ...headers };
  if (Buffer.isBuffer(body)) payload = body;
  else if (typeof body === 'string') payload = Buffer.from(body);
  else if (body !== undefined) {
    payload = Buffer.from(JSON.stringify(body));
    h['Content-Type'] ??= 'application/json';
  }
  if (payload !== undefined) {
    h['Content-Type'] ??= 'application/json';
    h['Content-Length'] = String(payload.length);
  }
  return new Promise((res, rej) => {
    const req = request({ socketPath: socket, method, path, headers: h, timeout: 30_000 }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (d: Buffer) => chunks.push(d));
      r.on('error', rej);
      r.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let json: unknown;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        res({ status: r.statusCode ?? 0, headers: r.headers, body: text, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on('error', rej);
    req.end(payload);
  });
}

let busyboxTar: Promise<string> | undefined;

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

/** True while `pid` exists and is not a zombie. */
export function processAlive(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // `pid (comm) S …`: comm may hold spaces and parentheses, the state follows the last `)`.
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(20)) if (!processAlive(pid)) return true;
  return !processAlive(pid);
}

/** Starts a berthd in a fresh temp dir and imports busybox:latest into it. */
export async function startDaemon(opts: DaemonOptions = {}): Promise<Daemon> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-e2e-'));
  const socket = join(dir, 'berthd.sock');
  const dataRoot = join(dir, 'data');
  const execRoot = join(dir, 'run');
  const dockerConfig = join(dir, 'docker-config');
  const logPath = join(dir, 'berthd.log');
  await mkdir(dockerConfig);
  await writeFile(join(dockerConfig, 'config.json'), '{}\n');

  // A clean environment for clients: never the user's docker context, config or TLS settings.
  const baseEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_API_VERSION']) delete baseEnv[k];
  const dockerEnv = { ...baseEnv, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: dockerConfig, DOCKER_CLI_HINTS: 'false' };
  const berthEnv = { ...baseEnv, BERTH_HOST: `unix://${socket}`, DOCKER_CONFIG: dockerConfig };

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let stopped = false;

  const log = (): string => {
    try {
      return readFileSync(logPath, 'utf8');
    } catch {
      return '';
    }
  };

  const spawnDaemon = async (): Promise<void> => {
    const fd = openSync(logPath, 'a');
    try {
      child = spawn(process.execPath, [BERTHD, '-H', `unix://${socket}`, '--data-root', dataRoot, '--exec-root', execRoot, ...(opts.args ?? [])], {
        cwd: ROOT,
        detached: true, // its own process group: kill9() hits berthd (and its helpers), never conmon
        stdio: ['ignore', fd, fd],
        env: baseEnv,
      });
    } finally {
      closeSync(fd);
    }
    const c = child;
    exited = new Promise((r) => c.once('exit', () => r()));
    for (const end = Date.now() + 15_000; ; await sleep(25)) {
      if (c.exitCode !== null || c.signalCode !== null) throw new Error(`berthd exited during start-up:\n${log()}`);
      const ok = await apiRequest(socket, 'GET', '/_ping').then((r) => r.status === 200, () => false);
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
    socket,
    dataRoot,
    execRoot,
    get pid() {
      return child?.pid ?? 0;
    },
    docker: (args, o) => runProgram('docker', args, dockerEnv, o),
    berth: (args, o) => runProgram(process.execPath, [BERTH, ...args], berthEnv, o),
    api: (method, path, body, headers) => apiRequest(socket, method, path, body, headers),
    kill9: () => killGroup('SIGKILL'),
    async restart() {
      await stopDaemonProcess();
      await spawnDaemon();
    },
    log,
    async stop() {
      if (stopped) return;
      stopped = true;
      const ids = await containerIds(dataRoot, execRoot);
      if (child !== undefined && child.exitCode === null && child.signalCode === null) {
        await removeAllContainers(socket).catch(() => undefined);
      }
      await stopDaemonProcess();
      await sweep({ dir, dataRoot, execRoot, ids });
    },
  };

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
  const r = await apiRequest(socket, 'POST', `/v1.41/images/create?fromSrc=-&repo=busybox:latest&changes=${changes}`, tar, { 'Content-Type': 'application/x-tar' });
  if (r.status !== 200) throw new Error(`importing busybox failed: ${r.status} ${r.body}`);
}

async function removeAllContainers(socket: string): Promise<void> {
  const r = await apiRequest(socket, 'GET', '/v1.41/containers/json?all=1');
  const list = (r.json ?? []) as { Id: string }[];
  await Promise.all(list.map((c) => apiRequest(socket, 'DELETE', `/v1.41/containers/${c.Id}?force=1`).catch(() => undefined)));
}

async function readdirOrEmpty(path: string): Promise<string[]> {
  return readdir(path).catch(() => []);
}

/** Every container ID this daemon's dirs know of: records, runc state, exit files. */
async function containerIds(dataRoot: string, execRoot: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const d of [join(dataRoot, 'containers'), join(execRoot, 'runc'), join(execRoot, 'exits')]) {
    for (const name of await readdirOrEmpty(d)) if (/^[0-9a-f]{64}$/.test(name)) ids.add(name);
  }
  return ids;
}

/** The conmon pids of this daemon's containers (from their `conmon.pid` files) that are still alive. */
export async function conmonPids(dataRoot: string): Promise<number[]> {
  const out: number[] = [];
  for (const id of await readdirOrEmpty(join(dataRoot, 'containers'))) {
    const text = await readFile(join(dataRoot, 'containers', id, 'conmon.pid'), 'utf8').catch(() => '');
    const pid = Number.parseInt(text, 10);
    if (pid > 0 && (await isConmonOf(pid, dataRoot))) out.push(pid);
  }
  return out;
}

/** True when `pid` is a conmon whose command line points into `root` (guards against pid reuse). */
export async function isConmonOf(pid: number, root: string): Promise<boolean> {
  const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmd.split('\0')[0]?.endsWith('conmon') === true && cmd.includes(root);
}

/** Mount points at or under `dir`, deepest first (octal escapes of mountinfo decoded). */
export async function mountsUnder(dir: string): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const points = text
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** cgroup dirs `/sys/fs/cgroup/<controller>/berth/<id>` (v1) or `/sys/fs/cgroup/berth/<id>` (v2) that exist. */
export async function cgroupsOf(ids: Iterable<string>): Promise<string[]> {
  const controllers = (await readdirOrEmpty('/sys/fs/cgroup')).map((c) => join('/sys/fs/cgroup', c));
  const out: string[] = [];
  for (const id of ids) {
    for (const base of ['/sys/fs/cgroup', ...controllers]) {
      const p = join(base, 'berth', id);
      if ((await readdirOrEmpty(p)).length > 0) out.push(p);
    }
  }
  return out;
}

/**
 * Cleans up a harness dir whose daemon is gone (or is a leftover of a crashed test run, in which
 * case its berthd is killed first, found by the pid file it writes): containers, conmon processes,
 * mounts, cgroups of its containers, and the dir. Usable by hand:
 *   node -e "import('./dist/test/e2e/harness.js').then((h) => h.sweepDir('/tmp/berth-e2e-XXXX'))"
 */
export async function sweepDir(dir: string, knownIds: Iterable<string> = []): Promise<void> {
  const dataRoot = join(dir, 'data');
  const execRoot = join(dir, 'run');
  const pid = Number.parseInt(await readFile(join(execRoot, 'berthd.pid'), 'utf8').catch(() => ''), 10);
  if (pid > 0 && (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes(`${dir}/`)) {
    process.kill(pid, 'SIGKILL');
    await waitGone(pid, 2000);
  }
  await sweep({ dir, dataRoot, execRoot, ids: new Set([...knownIds, ...(await containerIds(dataRoot, execRoot))]) });
}

/** Cleans up after a daemon that is no longer running: containers, conmon, mounts, cgroups, the dir. */
async function sweep(o: { dir: string; dataRoot: string; execRoot: string; ids: Set<string> }): Promise<void> {
  const problems: string[] = [];
  const runcRoot = join(o.execRoot, 'runc');
  for (const id of await readdirOrEmpty(runcRoot)) {
    const r = await exec(RUNC, [`--root=${runcRoot}`, 'delete', '--force', id]);
    if (!r.ok && !/does not exist/.test(r.stderr)) problems.push(`runc delete ${id}: ${r.stderr.trim()}`);
  }
  for (const pid of await conmonPids(o.dataRoot)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
    await waitGone(pid, 2000);
  }
  for (const m of await mountsUnder(o.dir)) {
    const r = await exec('umount', [m]);
    if (!r.ok) {
      const lazy = await exec('umount', ['-l', m]);
      if (!lazy.ok) problems.push(`umount ${m}: ${lazy.stderr.trim()}`);
    }
  }
  for (const ids of [o.ids, await containerIds(o.dataRoot, o.execRoot)]) {
    for (const cg of await cgroupsOf(ids)) {
      await rmdir(cg).catch((err: Error) => problems.push(`rmdir ${cg}: ${err.message}`));
    }
  }
  await rm(o.dir, { recursive: true, force: true }).catch((err: Error) => problems.push(`rm ${o.dir}: ${err.message}`));
  if (problems.length > 0) throw new Error(`e2e clean-up incomplete:\n${problems.join('\n')}`);
}

/** Polls `check` until it returns a value other than undefined/false, or throws after `ms`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, ms = 5000): Promise<T> {
  for (const end = Date.now() + ms; ; await sleep(50)) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}
