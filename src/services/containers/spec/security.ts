import { remapped } from './namespaces.js';
import { securityOptions } from './security-opts.js';
import type { SpecOption } from './types.js';

/** Paths Docker hides from containers (bind-mounted over with /dev/null or an empty tmpfs). */
export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/interrupts',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

/** Paths Docker remounts read-only inside containers. */
export const DEFAULT_READONLY_PATHS: readonly string[] = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/**
 * Masked and read-only paths: the record's (create fills in Docker's defaults; [] for
 * `systempaths=unconfined`), the defaults for older records; `--privileged` gets neither.
 */
export const withMaskedPaths: SpecOption = (spec, ctx) => {
  const linux = (spec.linux ??= {});
  const hc = ctx.record.HostConfig;
  const privileged = hc.Privileged === true;
  linux.maskedPaths = privileged ? [] : [...(hc.MaskedPaths ?? DEFAULT_MASKED_PATHS)];
  linux.readonlyPaths = privileged ? [] : [...(hc.ReadonlyPaths ?? DEFAULT_READONLY_PATHS)];
};

/** Sysctls Docker sets for a container with its own network namespace (ping and low ports without capabilities). */
export const DEFAULT_NETNS_SYSCTLS: Readonly<Record<string, string>> = {
  'net.ipv4.ip_unprivileged_port_start': '0',
  'net.ipv4.ping_group_range': '0 2147483647',
};

/** linux.sysctl: Docker's per-netns defaults (own network namespace only: not one joined by path, whose owner sets it up), then HostConfig.Sysctls. */
export const withSysctls: SpecOption = (spec, ctx) => {
  const hc = ctx.record.HostConfig;
  const mode = hc.NetworkMode ?? '';
  const ownNetns = mode !== 'host' && !mode.startsWith('container:') && ctx.join?.network === undefined;
  const defaults: Record<string, string> = ownNetns ? { ...DEFAULT_NETNS_SYSCTLS } : {};
  // In a user namespace the range may only name gids mapped there.
  if (ownNetns && remapped(ctx)) {
    const mapped = ctx.daemon!.remap!.gidMappings.reduce((n, m) => n + m.size, 0);
    defaults['net.ipv4.ping_group_range'] = `0 ${mapped - 1}`;
  }
  const sysctl = { ...defaults, ...(hc.Sysctls ?? {}) };
  if (Object.keys(sysctl).length > 0) (spec.linux ??= {}).sysctl = sysctl;
};

/**
 * no-new-privileges and the AppArmor profile on the process (exec processes get them too).
 * AppArmor only where the host enforces it: `docker-default`-style confinement is the host's
 * profile named by `apparmor=`; without one berth applies none (it ships no profile of its own).
 */
export const withProcessSecurity: SpecOption = (spec, ctx) => {
  const opts = securityOptions(ctx.record.HostConfig.SecurityOpt);
  const process = (spec.process ??= { user: { uid: 0, gid: 0 }, cwd: '/' });
  process.noNewPrivileges = opts.noNewPrivileges;
  if (ctx.daemon?.apparmor && opts.apparmor !== '' && opts.apparmor !== 'unconfined' && ctx.record.HostConfig.Privileged !== true) {
    process.apparmorProfile = opts.apparmor;
  }
};
