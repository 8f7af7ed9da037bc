import { readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import type { DeviceMapping, HostConfig } from '../../../api/types/containers.js';
import { sysctlNamespace } from '../../../lib/sysctls.js';
import { collect } from '../../flags/options.js';

/** The isolation flags of `run`/`create`: devices, security options, namespaces, groups, sysctls. */
export function addSecurityFlags(cmd: Command): Command {
  return cmd
    .option('--device <list>', 'Add a host device to the container', collect)
    .option('--security-opt <list>', 'Security Options', collect)
    .option('--pid <string>', 'PID namespace to use')
    .option('--ipc <string>', 'IPC mode to use')
    .option('--uts <string>', 'UTS namespace to use')
    .option('--cgroupns <string>', 'Cgroup namespace to use (host|private)')
    .option('--userns <string>', 'User namespace to use')
    .option('--group-add <list>', 'Add additional groups to join', collect)
    .option('--sysctl <map>', 'Sysctl options', collect);
}

export interface SecurityFlags {
  device?: string[];
  securityOpt?: string[];
  pid?: string;
  ipc?: string;
  uts?: string;
  cgroupns?: string;
  userns?: string;
  groupAdd?: string[];
  sysctl?: string[];
}

const validContainer = (m: string): boolean => m.startsWith('container:') && m.length > 'container:'.length;
const DEVICE_MODE = /^[rwm]{1,3}$/;

/** docker's parseLinuxDevice: `host[:container][:perms]`, perms of r, w, m. */
export function parseDevice(spec: string): DeviceMapping {
  const parts = spec.split(':');
  if (parts.length > 3 || parts[0] === '') throw new InvalidArgumentError(`invalid device specification: ${spec}`);
  let dst = '';
  let perms = 'rwm';
  if (parts.length === 3) {
    dst = parts[1]!;
    perms = parts[2]!;
  } else if (parts.length === 2) {
    if (DEVICE_MODE.test(parts[1]!)) perms = parts[1]!;
    else dst = parts[1]!;
  }
  if (!DEVICE_MODE.test(perms)) throw new InvalidArgumentError(`invalid argument "${spec}" for "--device" flag: bad mode specified: ${perms}`);
  for (const p of [parts[0]!, dst]) {
    if (p !== '' && !p.startsWith('/')) throw new InvalidArgumentError(`invalid argument "${spec}" for "--device" flag: ${p} is not an absolute path`);
  }
  return { PathOnHost: parts[0]!, PathInContainer: dst || parts[0]!, CgroupPermissions: perms };
}

/** docker's ValidateSysctl: only namespaced sysctls pass (its list has the IPC and network ones, not the UTS pair). */
function parseSysctls(list: string[] | undefined): Record<string, string> | undefined {
  if (list === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    const ns = sysctlNamespace(key);
    if (eq < 0 || ns === undefined || ns === 'uts') {
      throw new InvalidArgumentError(`invalid argument "${item}" for "--sysctl" flag: sysctl '${item}' is not allowed`);
    }
    out[key] = item.slice(eq + 1);
  }
  return out;
}

/**
 * docker's parseSecurityOpts: every option needs a value but `no-new-privileges`; a seccomp
 * profile file is read and sent as compact JSON (`seccomp=<json>`); `builtin` and `unconfined`
 * pass as they are. `systempaths=unconfined` is not sent: it clears the masked and read-only paths.
 */
export function parseSecurityOpts(opts: string[]): { securityOpt: string[]; unmaskPaths: boolean } {
  const out: string[] = [];
  let unmaskPaths = false;
  for (const opt of opts) {
    let sep = opt.indexOf('=');
    if (sep < 0 && opt !== 'no-new-privileges') sep = opt.indexOf(':');
    const key = sep < 0 ? opt : opt.slice(0, sep);
    const value = sep < 0 ? '' : opt.slice(sep + 1);
    if (value === '' && key !== 'no-new-privileges') throw new InvalidArgumentError(`Invalid --security-opt: "${opt}"`);
    if (key === 'systempaths' && value === 'unconfined') {
      unmaskPaths = true;
      continue;
    }
    if (key === 'seccomp' && value !== 'builtin' && value !== 'unconfined') {
      let text: string;
      try {
        text = readFileSync(value, 'utf8');
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        throw new InvalidArgumentError(
          `opening seccomp profile (${value}) failed: open ${value}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.message}`,
        );
      }
      try {
        out.push(`seccomp=${JSON.stringify(JSON.parse(text))}`);
      } catch (err) {
        throw new InvalidArgumentError(`compacting json for seccomp profile (${value}) failed: ${(err as Error).message}`);
      }
      continue;
    }
    out.push(opt);
  }
  return { securityOpt: out, unmaskPaths };
}

/** docker's normalizeCapabilities: upper case, `CAP_` added (but to ALL), duplicates dropped. */
function normalizeCaps(caps: readonly string[]): string[] {
  const out = caps.map((c) => {
    const u = c.trim().toUpperCase();
    return u === 'ALL' || u.startsWith('CAP_') ? u : `CAP_${u}`;
  });
  return [...new Set(out)];
}

/**
 * docker's EffectiveCapAddCapDrop: ALL trumps the other names on its side, and a capability
 * both added and dropped is added. null when the flag was not given (as docker sends it).
 */
export function effectiveCapFlags(
  add: readonly string[] | undefined,
  drop: readonly string[] | undefined,
): { CapAdd: string[] | null; CapDrop: string[] | null } {
  let a = normalizeCaps(add ?? []);
  let d = normalizeCaps(drop ?? []);
  if (a.includes('ALL')) a = ['ALL'];
  if (d.includes('ALL')) d = ['ALL'];
  d = d.filter((c) => !a.includes(c));
  return { CapAdd: a.length > 0 ? a : null, CapDrop: d.length > 0 ? d : null };
}

/** The HostConfig fields these flags fill, validated as the docker CLI does before sending. */
export function securityRequest(flags: SecurityFlags): Partial<HostConfig> {
  const pid = flags.pid ?? '';
  if (pid !== '' && pid !== 'host' && !validContainer(pid)) throw new InvalidArgumentError('--pid: invalid PID mode');
  const uts = flags.uts ?? '';
  if (uts !== '' && uts !== 'host') throw new InvalidArgumentError('--uts: invalid UTS mode');
  const userns = flags.userns ?? '';
  if (userns !== '' && userns !== 'host') throw new InvalidArgumentError('--userns: invalid USER mode');
  const cgroupns = flags.cgroupns ?? '';
  if (cgroupns !== '' && cgroupns !== 'host' && cgroupns !== 'private') throw new InvalidArgumentError('--cgroupns: invalid CGROUP mode');
  const { securityOpt, unmaskPaths } = parseSecurityOpts(flags.securityOpt ?? []);
  const sysctls = parseSysctls(flags.sysctl);
  return {
    PidMode: pid,
    IpcMode: flags.ipc ?? '',
    UTSMode: uts,
    UsernsMode: userns,
    CgroupnsMode: cgroupns,
    Devices: (flags.device ?? []).map(parseDevice),
    SecurityOpt: securityOpt.length > 0 ? securityOpt : null,
    GroupAdd: flags.groupAdd ?? null,
    ...(sysctls ? { Sysctls: sysctls } : {}),
    ...(unmaskPaths ? { MaskedPaths: [], ReadonlyPaths: [] } : {}),
  };
}
