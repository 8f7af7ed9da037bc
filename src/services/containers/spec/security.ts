import type { SpecOption } from './types.js';

/** Paths Docker hides from containers (bind-mounted over with /dev/null or an empty tmpfs). */
export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/asound',
  '/proc/acpi',
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
export const DEFAULT_READONLY_PATHS: readonly string[] = [
  '/proc/bus',
  '/proc/fs',
  '/proc/irq',
  '/proc/sys',
  '/proc/sysrq-trigger',
];

/** Masked and read-only paths; `--privileged` gets neither (Docker's behaviour). */
export const withMaskedPaths: SpecOption = (spec, ctx) => {
  const linux = (spec.linux ??= {});
  const privileged = ctx.record.HostConfig.Privileged === true;
  linux.maskedPaths = privileged ? [] : [...DEFAULT_MASKED_PATHS];
  linux.readonlyPaths = privileged ? [] : [...DEFAULT_READONLY_PATHS];
};

// Seccomp: Docker's default profile belongs here as a `withSeccomp` option setting
// spec.linux.seccomp (unconfined when Privileged or `--security-opt seccomp=unconfined`).
// Not implemented yet; containers currently run without a seccomp filter.
