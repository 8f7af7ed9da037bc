import type { ContainerConfig, HealthConfig, HostConfig, RestartPolicy } from '../../../core/containers.js';
import { invalidArgument } from '../../../lib/errdefs.js';
import { parseSignal } from './signals.js';

/**
 * Docker's create-time checks (`verifyContainerSettings`): what a well-typed body may still get
 * wrong is refused with a 400 before anything is stored, instead of failing later at start.
 */
export function verifyContainerSettings(config: ContainerConfig, hostConfig: HostConfig): void {
  if (config.WorkingDir && !config.WorkingDir.startsWith('/')) {
    throw invalidArgument(`the working directory '${config.WorkingDir}' is invalid, it needs to be an absolute path`);
  }
  if (config.StopSignal) parseSignal(config.StopSignal);
  for (const env of config.Env ?? []) {
    if (env.split('=', 1)[0] === '') throw invalidArgument(`invalid environment variable: ${env}`);
  }
  verifyHealthcheck(config.Healthcheck ?? undefined);
  for (const port of Object.keys(config.ExposedPorts ?? {})) verifyPort(port, true);
  for (const [port, bindings] of Object.entries(hostConfig.PortBindings ?? {})) {
    verifyPort(port, true);
    for (const b of bindings ?? []) if (b?.HostPort) verifyPort(b.HostPort, false);
  }
  if (hostConfig.RestartPolicy) verifyRestartPolicy(hostConfig.RestartPolicy);
  const oom = hostConfig.OomScoreAdj ?? 0;
  if (oom < -1000 || oom > 1000) throw invalidArgument(`Invalid value ${oom}, range for oom score adj is [-1000, 1000]`);
}

const MIN_DURATION_NS = 1_000_000;

function verifyHealthcheck(h: HealthConfig | undefined): void {
  if (h === undefined) return;
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval'] as const) {
    const v = h[k] ?? 0;
    if (v !== 0 && v < MIN_DURATION_NS) throw invalidArgument(`${k} in Healthcheck cannot be less than 1ms`);
  }
  if ((h.Retries ?? 0) < 0) throw invalidArgument('Retries in Healthcheck cannot be negative');
}

/** `80`, `80/tcp`, `8000-8010/udp` (a container port must not be 0; a host port may be a range). */
function verifyPort(spec: string, container: boolean): void {
  const [range = '', proto = 'tcp'] = spec.split('/');
  const m = /^(\d+)(?:-(\d+))?$/.exec(range);
  const lo = Number(m?.[1]);
  const hi = m?.[2] === undefined ? lo : Number(m[2]);
  const ok = m !== null && ['tcp', 'udp', 'sctp'].includes(proto.toLowerCase()) && hi <= 65535 && lo <= hi && !(container && lo === 0);
  if (!ok) throw invalidArgument(`invalid port specification: "${container ? spec : range}"`);
}

export function verifyRestartPolicy(p: RestartPolicy): void {
  const retries = p.MaximumRetryCount ?? 0;
  switch (p.Name) {
    case '':
      return;
    case 'no':
    case 'always':
    case 'unless-stopped':
      if (retries !== 0) throw invalidArgument("invalid restart policy: maximum retry count can only be used with 'on-failure'");
      return;
    case 'on-failure':
      if (retries < 0) throw invalidArgument('invalid restart policy: maximum retry count cannot be negative');
      return;
    default:
      throw invalidArgument(`invalid restart policy: unknown policy '${String(p.Name)}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`);
  }
}
