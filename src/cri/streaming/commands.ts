import { isLive } from '../../core/containers.js';
import { conflict } from '../../lib/errdefs.js';
import { createExec, startExec } from '../../services/containers/exec/exec.js';
import type { ExecDeps } from '../../services/containers/exec/deps.js';
import type { CommandIo } from './remotecommand.js';
import { exitStatus, successStatus } from './status.js';

export interface ExecRequest {
  container_id: string;
  cmd: string[];
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

export interface AttachRequest {
  container_id: string;
  stdin: boolean;
  tty: boolean;
  stdout: boolean;
  stderr: boolean;
}

/** The container of an Exec or Attach, which must be running (containerd's check, by CRI state name). */
export function runningContainer(deps: Pick<ExecDeps, 'store'>, id: string): string {
  const rec = deps.store.get(id);
  if (!isLive(rec)) throw conflict(`container is in ${rec.State.Status === 'created' ? 'CONTAINER_CREATED' : 'CONTAINER_EXITED'} state`);
  return rec.Id;
}

/**
 * An exec session's process, through berth's exec service: a terminal size that comes before the
 * process runs is applied once it does; a client that leaves kills the process (as containerd
 * cancels the exec with its stream).
 */
export async function execIo(deps: ExecDeps, req: ExecRequest): Promise<CommandIo> {
  const ex = createExec(deps, req.container_id, { Cmd: req.cmd, AttachStdin: req.stdin, AttachStdout: req.stdout, AttachStderr: req.stderr, Tty: req.tty });
  const proc = await startExec(deps, ex.ID).catch((err: unknown) => {
    deps.execs.remove(ex.ID);
    throw err;
  });
  return {
    onOutput: (cb) => proc.io.onOutput(cb),
    write: (d) => proc.io.write(d),
    closeStdin: () => proc.io.closeStdin(),
    resize: (h, w) => deps.runtime.resize({ id: ex.ContainerID, execId: ex.ID }, h, w),
    done: proc.exitCode.then((code) => {
      deps.execs.remove(ex.ID); // no client inspects a CRI exec afterwards
      return code === 0 ? successStatus() : exitStatus(req.cmd, code);
    }),
    abandon: () => {
      try {
        process.kill(proc.pid, 'SIGKILL');
      } catch {
        // already ended
      }
    },
  };
}

/** An attach session: the container's own stdio through its monitor, until the container ends or the client leaves. */
export async function attachIo(deps: ExecDeps, req: AttachRequest): Promise<CommandIo> {
  const id = runningContainer(deps, req.container_id);
  const io = await deps.runtime.attach(id);
  const ended = new Promise<string>((r) => io.onEnd(() => r(successStatus())));
  return {
    onOutput: (cb) => io.onOutput(cb),
    write: (d) => io.write(d),
    closeStdin: () => io.closeStdin(),
    resize: (h, w) => deps.runtime.resize({ id }, h, w),
    done: ended,
    abandon: () => io.close(),
  };
}
