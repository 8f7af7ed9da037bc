import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { BerthError } from '../../lib/errdefs.js';
import type { ExecOptions, ExecProcess } from '../../core/runtime.js';
import { mkdirp } from '../../lib/atomic-file.js';
import { connectAttachSocket } from './attach-socket.js';
import { syncReader } from './sync-pipe.js';

export interface ExecPaths {
  conmon: string;
  runtime: string;
  /** The runtime's own global options (daemon.json `runtimeArgs`). */
  runtimeArgs: string[];
  runcRoot: string;
  socketDir: string;
  /** The exec's own dir: conmon's bundle (attach socket, ctl fifo), the process spec. */
  dir: string;
}

/**
 * Runs a process in a container the way podman does, under its own conmon (`-e`, exec mode with
 * `--exec-attach`): conmon waits on the start pipe, sets up the attach socket and reports it on
 * the attach pipe; we connect, then release it to `runc exec`. The sync pipe answers the pid,
 * then — after conmon has delivered the last output — the exit code.
 */
export async function spawnExec(p: ExecPaths, o: ExecOptions): Promise<ExecProcess> {
  await mkdirp(p.dir);
  const specPath = join(p.dir, 'process.json');
  await writeFile(specPath, JSON.stringify(o.process));
  const args = [
    '--api-version',
    '1',
    '-c',
    o.containerId,
    '-u',
    o.execId.slice(0, 16),
    '-n',
    o.containerId,
    '-r',
    p.runtime,
    ...p.runtimeArgs.flatMap((a) => ['--runtime-arg', a]),
    '--runtime-arg',
    `--root=${p.runcRoot}`,
    '-b',
    p.dir,
    '-p',
    join(p.dir, 'pidfile'),
    '--socket-dir-path',
    p.socketDir,
    '-l',
    'none',
    '--log-level',
    'error',
    '-e',
    '--exec-process-spec',
    specPath,
    '--exec-attach',
  ];
  if (o.process.terminal === true) args.push('-t');
  if (o.stdin) args.push('-i');
  // fd 3 sync, 4 start, 5 attach (podman's order).
  const child = spawn(p.conmon, args, {
    cwd: p.dir,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
    env: { ...process.env, _OCI_SYNCPIPE: '3', _OCI_STARTPIPE: '4', _OCI_ATTACHPIPE: '5' },
    detached: true,
  });
  child.unref();
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const pipes = child.stdio as unknown as Array<Readable & Writable>;
  const [syncPipe, start, attachPipe] = [pipes[3]!, pipes[4]!, pipes[5]!];
  const sync = syncReader(syncPipe);
  const attach = syncReader(attachPipe);
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  await spawned;
  start.write('0');
  const ready = await attach.next();
  attachPipe.destroy();
  if (ready === undefined || ready.data < 0) {
    syncPipe.destroy();
    start.destroy();
    throw new BerthError('Internal', `conmon exec: ${ready?.message ?? (stderr.trim() || 'no attach socket')}`);
  }
  const io = await connectAttachSocket(p.dir);
  start.end('1');
  const started = await sync.next();
  if (started === undefined || started.data <= 0) {
    io.close();
    syncPipe.destroy();
    throw execError(started?.message ?? (stderr.trim() || 'conmon exited without reporting the exec pid'));
  }
  const exitCode = sync.next().then((m) => {
    syncPipe.destroy();
    return m === undefined ? -1 : m.data;
  });
  return { pid: started.data, io, exitCode };
}

/** runc's exec errors in Docker's words; the kind says whether the command was not found (127) or not runnable (126). */
function execError(message: string): BerthError {
  const quoted = /msg="((?:[^"\\]|\\.)*)"/s.exec(message)?.[1];
  const text = (quoted === undefined ? message : quoted.replace(/\\(.)/g, '$1')).trim();
  const clean = text.replace(/^.*?runc exec failed: /s, '').replace(/^exec failed: /, '');
  return new BerthError('InvalidArgument', `OCI runtime exec failed: exec failed: ${clean}: unknown`);
}
