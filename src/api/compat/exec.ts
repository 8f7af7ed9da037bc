import type { ExecRecord } from '../../core/exec.js';
import type { ExecInspect } from '../types/exec.js';

export function toExecInspect(ex: ExecRecord): ExecInspect {
  const [entrypoint = '', ...args] = ex.Config.Cmd ?? [];
  return {
    CanRemove: false,
    ContainerID: ex.ContainerID,
    DetachKeys: ex.Config.DetachKeys ?? '',
    ExitCode: ex.ExitCode,
    ID: ex.ID,
    OpenStderr: ex.Config.AttachStderr === true,
    OpenStdin: ex.Config.AttachStdin === true,
    OpenStdout: ex.Config.AttachStdout === true,
    ProcessConfig: { arguments: args, entrypoint, privileged: ex.Config.Privileged === true, tty: ex.Config.Tty === true, user: ex.Config.User ?? '' },
    Running: ex.Running,
    Pid: ex.Pid,
  };
}
