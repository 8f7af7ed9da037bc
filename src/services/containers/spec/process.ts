import { isAbsolute, posix } from 'node:path';
import { invalidArgument } from '../../../lib/errdefs.js';
import type { POSIXRlimit, Process } from '../../../lib/oci/runtime-spec.js';
import type { SpecContext, SpecOption } from './types.js';

/** Docker's default PATH for Linux containers (used when the image sets none). */
export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The RLIMIT_NOFILE Docker containers usually get (dockerd runs with LimitNOFILE=1048576). */
export const DEFAULT_NOFILE = 1048576;

/** The names `--ulimit` accepts (go-units), lower case as Docker's API carries them. */
export const ULIMIT_NAMES = new Set([
  'as',
  'core',
  'cpu',
  'data',
  'fsize',
  'locks',
  'memlock',
  'msgqueue',
  'nice',
  'nofile',
  'nproc',
  'rss',
  'rtprio',
  'rttime',
  'sigpending',
  'stack',
]);

/**
 * Docker's container environment: PATH, HOSTNAME and (with a TTY) TERM defaults, then the legacy
 * links' variables (CreateDaemonEnvironment), overridden
 * in place by Config.Env entries with the same key; new keys are appended in order. An entry
 * without '=' unsets a default (Docker's ReplaceOrAppendEnvValues). Unlike Docker, a repeated
 * key replaces the earlier entry instead of appearing twice.
 */
export function containerEnv(configEnv: readonly string[], hostname: string, tty: boolean, linkEnv: readonly string[] = []): string[] {
  const env: Array<string | undefined> = [DEFAULT_PATH, `HOSTNAME=${hostname}`];
  if (tty) env.push('TERM=xterm');
  env.push(...linkEnv);
  const index = new Map<string, number>();
  env.forEach((e, i) => index.set(envKey(e!), i));
  for (const entry of configEnv) {
    const at = index.get(envKey(entry));
    if (!entry.includes('=')) {
      if (at !== undefined) env[at] = undefined;
      continue;
    }
    if (at !== undefined) env[at] = entry;
    else index.set(envKey(entry), env.push(entry) - 1);
  }
  return env.filter((e): e is string => e !== undefined);
}

function envKey(entry: string): string {
  const eq = entry.indexOf('=');
  return eq < 0 ? entry : entry.slice(0, eq);
}

/**
 * RLIMIT_NOFILE at min(1048576, host hard), then the daemon's default ulimits, then
 * HostConfig.Ulimits (each replaces an earlier one of the same name).
 * nofile is clamped to the host's hard limit because berthd lacks CAP_SYS_RESOURCE on some
 * hosts and runc then fails with EPERM; -1 (unlimited) for nofile means "the host's hard".
 * Other rlimits pass through: unlimited is rejected since the spec's JSON cannot carry 2^64-1
 * as a JS number.
 */
export function containerRlimits(ctx: SpecContext): POSIXRlimit[] {
  const hostHard = ctx.hostNofile.hard;
  const nofile = Math.min(DEFAULT_NOFILE, hostHard);
  const limits = new Map<string, POSIXRlimit>([['nofile', { type: 'RLIMIT_NOFILE', soft: nofile, hard: nofile }]]);
  const own = ctx.record.HostConfig.Ulimits ?? [];
  const defaults = (ctx.defaultUlimits ?? []).filter((d) => !own.some((u) => u.Name.toLowerCase() === d.Name.toLowerCase()));
  for (const u of [...defaults, ...own]) {
    const name = u.Name.toLowerCase();
    if (!ULIMIT_NAMES.has(name)) throw invalidArgument(`invalid ulimit type: ${u.Name}`);
    let { Soft: soft, Hard: hard } = u;
    if (name === 'nofile') {
      hard = hard < 0 ? hostHard : Math.min(hard, hostHard);
      soft = soft < 0 ? hard : Math.min(soft, hard);
    } else if (soft < 0 || hard < 0) {
      throw invalidArgument(`ulimit ${name}: unlimited (-1) is not supported; give a number`);
    }
    if (soft > hard) {
      throw invalidArgument(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`);
    }
    limits.set(name, { type: `RLIMIT_${name.toUpperCase()}`, soft, hard });
  }
  return [...limits.values()];
}

/** args, env, cwd, user, terminal, rlimits; keeps capabilities another option may have set. */
export const withProcess: SpecOption = (spec, ctx) => {
  const { record, user } = ctx;
  if (!record.Path) throw invalidArgument('No command specified');
  const workdir = record.Config.WorkingDir || '/';
  if (!isAbsolute(workdir)) {
    throw invalidArgument(`the working directory '${workdir}' is invalid, it needs to be an absolute path`);
  }
  const tty = record.Config.Tty === true;
  const process: Process = {
    ...spec.process,
    terminal: tty,
    user: { uid: user.uid, gid: user.gid, additionalGids: [...user.additionalGids] },
    args: [record.Path, ...record.Args],
    env: containerEnv(record.Config.Env ?? [], ctx.hostname, tty, ctx.linkEnv),
    cwd: posix.normalize(workdir),
    rlimits: containerRlimits(ctx),
    noNewPrivileges: false, // Docker's default; --security-opt no-new-privileges would flip it
    oomScoreAdj: record.HostConfig.OomScoreAdj ?? 0,
  };
  spec.process = process;
};
