import type { ContainerRecord } from '../../../core/containers.js';
import type { ExecConfig } from '../../../core/exec.js';
import type { Process } from '../../../lib/oci/runtime-spec.js';
import { withCapabilities } from '../spec/capabilities.js';
import { buildSpec } from '../spec/build.js';
import { withProcess } from '../spec/process.js';
import { withProcessSecurity } from '../spec/security.js';
import type { ResolvedUser } from '../spec/types.js';

/**
 * The OCI process of an exec: the container's own process options (env defaults, rlimits,
 * no-new-privileges, capabilities) applied to a record whose command, env, working dir, TTY and privilege are
 * the exec's — one code path for both.
 */
export function execProcess(opts: {
  container: ContainerRecord;
  config: ExecConfig;
  user: ResolvedUser;
  hostNofile: { soft: number; hard: number };
  defaultUlimits?: Array<{ Name: string; Soft: number; Hard: number }>;
  /** The container's legacy links' variables (networks/links.ts). */
  linkEnv?: string[];
}): Process {
  const { container: c, config } = opts;
  const [path, ...args] = config.Cmd ?? [];
  const record: ContainerRecord = {
    ...c,
    Path: path ?? '',
    Args: args,
    Config: {
      ...c.Config,
      Env: [...(c.Config.Env ?? []), ...(config.Env ?? [])],
      WorkingDir: config.WorkingDir || c.Config.WorkingDir,
      Tty: config.Tty === true,
    },
    HostConfig: { ...c.HostConfig, Privileged: c.HostConfig.Privileged === true || config.Privileged === true },
  };
  const spec = buildSpec(
    {
      record,
      rootfs: c.Paths.Rootfs,
      user: opts.user,
      hostname: c.Config.Hostname ?? '',
      linkEnv: opts.linkEnv,
      hostNofile: opts.hostNofile,
      defaultUlimits: opts.defaultUlimits,
    },
    [withProcess, withProcessSecurity, withCapabilities],
  );
  const process = spec.process!;
  if (config.ConsoleSize) process.consoleSize = { height: config.ConsoleSize[0], width: config.ConsoleSize[1] };
  return process;
}
