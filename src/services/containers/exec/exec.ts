import { execAction, publishContainerEvent } from '../events.js';
import type { ExecConfig, ExecRecord } from '../../../core/exec.js';
import type { ContainerRecord } from '../../../core/containers.js';
import { conflict, invalidArgument } from '../../../lib/errdefs.js';
import type { ExecProcess } from '../../../core/runtime.js';
import { CleanupStack } from '../../../lib/cleanup-stack.js';
import { startErrorExitCode } from '../../../lib/oci/start-error.js';
import { resolveUser } from '../spec/user.js';
import type { ExecRunDeps } from './deps.js';
import { execProcess } from './process.js';
import { linkedEnv } from '../../networks/links.js';

/**
 * An exec gets the container's link variables too (Docker's CreateDaemonEnvironment); a linked
 * container that stopped since only leaves them out (Docker would refuse the exec).
 */
function execLinkEnv(deps: ExecRunDeps, rec: ContainerRecord): string[] {
  if (!deps.networks || !rec.HostConfig.Links?.length) return [];
  try {
    return linkedEnv(deps.networks, rec);
  } catch {
    return [];
  }
}

/** Docker's checks before an exec may be created or started in a container. */
function runningContainer(deps: ExecRunDeps, ref: string) {
  const rec = deps.store.get(ref);
  if (rec.State.Status === 'paused') throw conflict(`Container ${rec.Id} is paused, unpause the container before exec`);
  if (rec.State.Status !== 'running') throw conflict(`Container ${rec.Id} is not running`);
  return rec;
}

/** `POST /containers/{id}/exec`. */
export function createExec(deps: ExecRunDeps, ref: string, config: ExecConfig): ExecRecord {
  if (!config.Cmd || config.Cmd.length === 0) throw invalidArgument('No exec command specified');
  const rec = runningContainer(deps, ref);
  const ex = deps.execs.add(rec.Id, config);
  publishContainerEvent(deps.events, rec, execAction('exec_create', config.Cmd), { execID: ex.ID });
  return ex;
}

/** Checks an exec instance may start (404 unknown, 409 already started); the start route calls it before hijacking. */
export function startableExec(deps: ExecRunDeps, id: string): ExecRecord {
  const ex = deps.execs.get(id);
  if (ex.Started) throw conflict(`Error: Exec command ${id} ${ex.Running ? 'is already running' : 'has already run'}`);
  return ex;
}

/**
 * Starts an exec instance. Its stdio is connected before the process runs; the exit code is
 * recorded before `exitCode` settles, so a client that inspects after the stream ends sees it.
 */
export async function startExec(deps: ExecRunDeps, id: string): Promise<ExecProcess> {
  const ex = startableExec(deps, id);
  ex.Started = true;
  // The runtime's files for the exec go if it cannot start (a failed exec may leave some behind).
  const undo = new CleanupStack();
  undo.defer(() => deps.runtime.cleanupExec(ex.ID));
  try {
    const rec = runningContainer(deps, ex.ContainerID);
    const user = await resolveUser(rec.Paths.Rootfs, ex.Config.User || rec.Config.User, rec.HostConfig.GroupAdd);
    const process = execProcess({
      container: rec,
      config: ex.Config,
      user,
      hostNofile: deps.host.nofile,
      defaultUlimits: deps.defaults?.ulimits,
      linkEnv: execLinkEnv(deps, rec),
    });
    const proc = await deps.runtime.exec({ containerId: rec.Id, execId: ex.ID, process, stdin: ex.Config.AttachStdin === true });
    undo.dismiss();
    ex.Running = true;
    ex.Pid = proc.pid;
    publishContainerEvent(deps.events, rec, execAction('exec_start', ex.Config.Cmd ?? []), { execID: ex.ID });
    const exitCode = proc.exitCode.then(async (code) => {
      ex.Running = false;
      ex.ExitCode = code;
      publishContainerEvent(deps.events, rec, 'exec_die', { execID: ex.ID, exitCode: String(code) });
      await deps.runtime.cleanupExec(ex.ID).catch(() => undefined);
      return code;
    });
    return { ...proc, exitCode };
  } catch (err) {
    ex.ExitCode = execFailureCode(err);
    await undo.releaseAll();
    throw err;
  }
}

/** Docker's codes for an exec that could not start: 127 not found, 126 not runnable. */
function execFailureCode(err: unknown): number {
  return startErrorExitCode(String((err as Error).message)) ?? 126;
}

export async function resizeExec(deps: ExecRunDeps, id: string, height: number, width: number): Promise<void> {
  const ex = deps.execs.get(id);
  if (!ex.Running) throw conflict(`Exec ${id} is not running`);
  await deps.runtime.resize({ id: ex.ContainerID, execId: ex.ID }, height, width);
}
