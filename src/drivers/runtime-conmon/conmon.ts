import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { access, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerRuntime, CreateOptions, ExecOptions, ExecProcess, RuntimeState, StdioSession } from '../../core/runtime.js';
import type { LinuxResources } from '../../lib/oci/runtime-spec.js';
import { connectAttachSocket } from './attach-socket.js';
import { writeReopenLog, writeResize } from './ctl.js';
import { spawnExec } from './exec.js';
import { startThroughExecFifo } from './exec-fifo.js';
import { stateFromFiles } from './state-files.js';
import { BerthError, isErrno } from '../../lib/errdefs.js';
import { mkdirp, writeFileAtomic } from '../../lib/atomic-file.js';
import { run } from '../../lib/exec.js';

/** An OCI runtime with runc's command line: its binary and the global options it is always given. */
export interface OciRuntimeEntry {
  path: string;
  runtimeArgs?: string[];
}

export interface ConmonRuntimeOptions {
  conmon: string; // path to conmon
  runtime: string; // path to runc (or crun): the default runtime's binary
  /** Named runtimes (daemon.json `runtimes`, with the built-in `runc`) and the default's name. */
  runtimes?: Record<string, OciRuntimeEntry>;
  defaultRuntime?: string;
  /** Run-time state root (tmpfs): runc's state, exit files, attach sockets. */
  stateDir: string;
}

/**
 * One conmon per container, runc underneath. conmon daemonises, so containers survive berthd;
 * the exit code lands in `<stateDir>/exits/<id>` and is the only source of truth for exits.
 */
export class ConmonRuntime implements ContainerRuntime {
  private readonly runcRoot: string;
  private readonly exitDir: string;
  readonly socketDir: string;
  private readonly execDir: string;
  /** Which runtime each container was created with (a file per container, so a restarted berthd knows too). */
  private readonly choiceDir: string;
  private readonly chosen = new Map<string, OciRuntimeEntry>();

  private constructor(private readonly opts: ConmonRuntimeOptions) {
    this.runcRoot = join(opts.stateDir, 'runc');
    this.exitDir = join(opts.stateDir, 'exits');
    this.socketDir = join(opts.stateDir, 'sockets');
    this.execDir = join(opts.stateDir, 'exec');
    this.choiceDir = join(opts.stateDir, 'runtimes');
  }

  static async open(opts: ConmonRuntimeOptions): Promise<ConmonRuntime> {
    const rt = new ConmonRuntime(opts);
    for (const d of [rt.runcRoot, rt.exitDir, rt.socketDir, rt.execDir, rt.choiceDir]) await mkdirp(d);
    return rt;
  }

  private get defaultEntry(): OciRuntimeEntry {
    return this.opts.runtimes?.[this.opts.defaultRuntime ?? 'runc'] ?? { path: this.opts.runtime };
  }

  /** The runtime a container was created with: recorded at create, the default for one created before runtimes were recorded. */
  private async runtimeOf(id: string): Promise<OciRuntimeEntry> {
    const known = this.chosen.get(id);
    if (known !== undefined) return known;
    const name = (await readFile(join(this.choiceDir, id), 'utf8').catch(() => '')).trim();
    const entry = (name !== '' ? this.opts.runtimes?.[name] : undefined) ?? this.defaultEntry;
    this.chosen.set(id, entry);
    return entry;
  }

  /** The runtime's command line for a container: its own global options, berth's state root, then `args`. */
  private async runc(id: string, args: string[], input?: string): Promise<{ stdout: string }> {
    const rt = await this.runtimeOf(id);
    return run(rt.path, [...(rt.runtimeArgs ?? []), `--root=${this.runcRoot}`, ...args], { input });
  }

  create(o: CreateOptions): Promise<number> {
    const name = o.runtime ?? this.opts.defaultRuntime ?? 'runc';
    const entry = this.opts.runtimes?.[name] ?? this.defaultEntry;
    this.chosen.set(o.id, entry);
    return writeFileAtomic(join(this.choiceDir, o.id), name).then(() => this.createWith(o, entry));
  }

  private createWith(o: CreateOptions, rt: OciRuntimeEntry): Promise<number> {
    const args = [
      '--api-version',
      '1',
      '-c',
      o.id,
      '-u',
      o.id,
      '-n',
      o.name,
      '-r',
      rt.path,
      ...(rt.runtimeArgs ?? []).flatMap((a) => ['--runtime-arg', a]),
      '--runtime-arg',
      `--root=${this.runcRoot}`,
      '-b',
      o.bundle,
      '-p',
      join(o.bundle, 'pidfile'),
      '-P',
      join(o.bundle, 'conmon.pid'),
      '--exit-dir',
      this.exitDir,
      '--socket-dir-path',
      this.socketDir,
      '-l',
      `k8s-file:${o.logPath}`,
      '--log-level',
      'error',
    ];
    if (o.journald) args.push('-l', 'journald:', '--log-tag', o.journald.tag);
    if (o.tty) args.push('-t');
    if (o.openStdin) args.push('-i');
    // Docker closes a container's stdin on the attached client's EOF only with StdinOnce, and
    // never for a TTY (a detached `run -it` keeps its shell).
    if (o.openStdin && (!o.stdinOnce || o.tty)) args.push('--leave-stdin-open');
    return new Promise((resolve, reject) => {
      // fd 3 is conmon's sync pipe: it answers {"data": pid} or {"data": -1, "message": …}.
      const child = spawn(this.opts.conmon, args, {
        cwd: o.bundle,
        stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
        env: { ...process.env, _OCI_SYNCPIPE: '3' },
        detached: true,
      });
      let sync = '';
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const pipe = child.stdio[3] as NodeJS.ReadableStream & { destroy(): void };
      let settled = false;
      const settle = (): void => {
        const msg = parseSync(sync);
        if (settled || (msg === undefined && !ended)) return;
        settled = true;
        // conmon keeps its end open for the container's life; one answer is all we read.
        pipe.destroy();
        if (msg !== undefined && msg.data > 0) resolve(msg.data);
        else reject(createError(msg?.message ?? (stderr.trim() || 'conmon exited without reporting the container pid')));
      };
      let ended = false;
      pipe.on('data', (d: Buffer) => {
        sync += d.toString();
        settle();
      });
      pipe.on('end', () => {
        ended = true;
        settle();
      });
      child.on('error', reject);
      child.unref();
    });
  }

  async start(id: string, pid: number): Promise<void> {
    if (await startThroughExecFifo(join(this.runcRoot, id, 'exec.fifo'), pid)) return;
    await this.runc(id, ['start', id]);
  }

  async exec(o: ExecOptions): Promise<ExecProcess> {
    const rt = await this.runtimeOf(o.containerId);
    const p = { conmon: this.opts.conmon, runtime: rt.path, runtimeArgs: rt.runtimeArgs ?? [], runcRoot: this.runcRoot, socketDir: this.socketDir };
    return spawnExec({ ...p, dir: this.execPath(o.execId) }, o);
  }

  private execPath(execId: string): string {
    return join(this.execDir, execId.slice(0, 16));
  }

  async cleanupExec(execId: string): Promise<void> {
    await rm(this.execPath(execId), { recursive: true, force: true });
    await rm(join(this.socketDir, execId.slice(0, 16)), { force: true });
  }

  attach(id: string): Promise<StdioSession> {
    return connectAttachSocket(join(this.socketDir, id));
  }

  async resize(target: { id: string; execId?: string }, height: number, width: number): Promise<void> {
    const dir = target.execId === undefined ? join(this.socketDir, target.id) : this.execPath(target.execId);
    await writeResize(join(dir, 'ctl'), height, width);
  }

  async reopenLog(id: string): Promise<void> {
    await writeReopenLog(join(this.socketDir, id, 'ctl'));
  }

  async update(id: string, resources: LinuxResources): Promise<void> {
    await this.runc(id, ['update', '-r', '-', id], JSON.stringify(resources));
  }

  async pids(id: string): Promise<number[]> {
    const { stdout } = await this.runc(id, ['ps', '--format', 'json', id]);
    return (JSON.parse(stdout) as number[] | null) ?? [];
  }

  async kill(id: string, signal: string): Promise<void> {
    await this.runc(id, ['kill', id, signal]);
  }

  async pause(id: string): Promise<void> {
    await this.runc(id, ['pause', id]);
  }

  async resume(id: string): Promise<void> {
    await this.runc(id, ['resume', id]);
  }

  async delete(id: string): Promise<void> {
    try {
      await this.runc(id, ['delete', '--force', id]);
    } catch (err) {
      if (!/does not exist|not exist/.test(String((err as Error).message))) throw err;
    }
  }

  known(id: string): Promise<boolean> {
    return access(join(this.runcRoot, id, 'state.json')).then(
      () => true,
      () => false,
    );
  }

  async state(id: string): Promise<RuntimeState | undefined> {
    const known = await stateFromFiles(join(this.runcRoot, id)).catch(() => null);
    if (known !== null) return known;
    try {
      const { stdout } = await this.runc(id, ['state', id]);
      const s = JSON.parse(stdout) as { status: RuntimeState['status']; pid: number };
      return { status: s.status, pid: s.pid };
    } catch (err) {
      if (/does not exist/.test(String((err as Error).message))) return undefined;
      throw err;
    }
  }

  async exitCode(id: string): Promise<number | undefined> {
    try {
      const text = (await readFile(join(this.exitDir, id), 'utf8')).trim();
      return text === '' ? undefined : Number.parseInt(text, 10);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
  }

  async cleanup(id: string): Promise<void> {
    await rm(join(this.exitDir, id), { force: true });
    await rm(join(this.socketDir, id), { recursive: true, force: true });
    await rm(join(this.choiceDir, id), { force: true });
    this.chosen.delete(id);
  }

  async stopMonitor(id: string, bundle: string): Promise<boolean> {
    const pid = Number.parseInt(await readFile(join(bundle, 'conmon.pid'), 'utf8').catch(() => ''), 10);
    if (!(pid > 0)) return false;
    // Only the conmon of this container under this runtime root (a recycled pid is someone else's).
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (!argv[0]?.endsWith('conmon') || argv[argv.indexOf('-c') + 1] !== id || !argv.includes(`--root=${this.runcRoot}`)) return false;
    try {
      process.kill(pid, 'SIGKILL');
      return true;
    } catch {
      return false;
    }
  }

  watchExits(onExit: (id: string) => void): () => void {
    // conmon writes the exit file atomically (g_file_set_contents: `ID.XXXXXX`, then rename to `ID`).
    // Names with a dot are those temp files: not exits, and removing one would lose the exit code.
    const isExit = (file: string): boolean => !file.includes('.');
    const watcher = watch(this.exitDir, (_event, file) => {
      if (file !== null && isExit(file.toString())) onExit(file.toString());
    });
    // Exits that happened while berthd was down (or before the watch began); the periodic sweep
    // also covers an inotify queue overflow. Handled exits are removed, so a sweep is one readdir.
    const sweep = (): void =>
      void readdir(this.exitDir).then(
        (files) => files.filter(isExit).forEach(onExit),
        () => undefined,
      );
    sweep();
    const timer = setInterval(sweep, 2000);
    timer.unref();
    return () => {
      clearInterval(timer);
      watcher.close();
    };
  }
}

/** The first complete JSON message on the sync pipe, if one has arrived. */
function parseSync(text: string): { data: number; message?: string } | undefined {
  const nl = text.indexOf('\n');
  const line = nl < 0 ? text : text.slice(0, nl);
  try {
    return JSON.parse(line) as { data: number; message?: string };
  } catch {
    return undefined;
  }
}

/**
 * runc's create errors become Docker's: a missing executable is "not found" (CLI exit 127),
 * a non-executable one "permission denied" (126). Docker reports both as 400-class OCI errors.
 */
function createError(message: string): BerthError {
  // runc logs in logrus' text form, `level=error msg="runc create failed: … \"cmd\" …"`: unquote the msg.
  const quoted = /msg="((?:[^"\\]|\\.)*)"/s.exec(message)?.[1];
  const text = quoted === undefined ? message : quoted.replace(/\\(.)/g, '$1');
  const clean = text.replace(/^.*?runc create failed: /s, '').trim();
  return new BerthError(
    'InvalidArgument',
    `failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: ${clean}: unknown`,
  );
}
