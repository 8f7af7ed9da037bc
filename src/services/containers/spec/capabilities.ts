import { readFileSync } from 'node:fs';
import { invalidArgument } from '../../../lib/errdefs.js';
import type { SpecOption } from './types.js';

/** Kernel capability names by bit number (linux/capability.h, up to CAP_LAST_CAP of 6.x). */
export const CAPABILITY_BITS: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
];

/** Docker's default capability set, in Docker's order. */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

let cachedMask: bigint | undefined;

/**
 * berthd's own capability bounding set (CapBnd in /proc/self/status), read once. runc cannot
 * grant a container what its caller lacks (EPERM), so "all capabilities" means these.
 */
export function hostBoundingMask(): bigint {
  if (cachedMask === undefined) {
    const m = /^CapBnd:\s*([0-9a-fA-F]+)\s*$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    // No CapBnd line (not Linux?): assume everything we can name, and let runc be the judge.
    cachedMask = m ? BigInt(`0x${m[1]}`) : (1n << BigInt(CAPABILITY_BITS.length)) - 1n;
  }
  return cachedMask;
}

/** The named capabilities present in a bounding mask, in bit order. */
export function capabilitiesInMask(mask: bigint): string[] {
  return CAPABILITY_BITS.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}

/** "sys_admin", "CAP_SYS_ADMIN" → "CAP_SYS_ADMIN"; "all" → "ALL"; unknown → InvalidArgument. */
export function normalizeCapabilities(names: readonly string[], field: 'CapAdd' | 'CapDrop'): string[] {
  return names.map((name) => {
    const upper = name.toUpperCase();
    if (upper === 'ALL') return upper;
    const cap = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
    if (!CAPABILITY_BITS.includes(cap)) throw invalidArgument(`invalid ${field}: unknown capability: "${cap}"`);
    return cap;
  });
}

/**
 * Docker's TweakCapabilities: privileged → all; CapAdd ALL → all minus CapDrop; CapDrop ALL →
 * only CapAdd; else defaults minus CapDrop plus CapAdd. "All" and the defaults are limited to
 * what the host can grant (`available`); capabilities named in CapAdd are kept even when the
 * host lacks them, so the user sees runc's error rather than a silently weaker container.
 */
export function effectiveCapabilities(opts: { privileged: boolean; add: readonly string[]; drop: readonly string[]; available: readonly string[] }): string[] {
  const { available } = opts;
  if (opts.privileged) return [...available];
  const add = normalizeCapabilities(opts.add, 'CapAdd');
  const drop = normalizeCapabilities(opts.drop, 'CapDrop');
  let caps: string[];
  if (add.includes('ALL')) caps = available.filter((c) => !drop.includes(c));
  else if (drop.includes('ALL')) caps = add;
  else caps = [...DEFAULT_CAPABILITIES.filter((c) => available.includes(c) && !drop.includes(c)), ...add];
  return [...new Set(caps)];
}

/**
 * Sets process.capabilities. Root gets the set as bounding, effective and permitted; other
 * users get it as bounding only (Docker ≥ 23: execve would drop effective/permitted anyway,
 * except through file capabilities). Never inheritable or ambient (CVE-2022-24769).
 * `boundingMask` is injectable for tests; by default it reads berthd's own, once.
 */
export function capabilitiesOption(boundingMask: () => bigint = hostBoundingMask): SpecOption {
  return (spec, ctx) => {
    const hc = ctx.record.HostConfig;
    const caps = effectiveCapabilities({
      privileged: hc.Privileged === true,
      add: hc.CapAdd ?? [],
      drop: hc.CapDrop ?? [],
      available: capabilitiesInMask(boundingMask()),
    });
    const process = (spec.process ??= { user: { uid: 0, gid: 0 }, cwd: '/' });
    process.capabilities =
      ctx.user.uid === 0
        ? { bounding: caps, effective: [...caps], permitted: [...caps], inheritable: [], ambient: [] }
        : { bounding: caps, effective: [], permitted: [], inheritable: [], ambient: [] };
  };
}

export const withCapabilities: SpecOption = capabilitiesOption();
