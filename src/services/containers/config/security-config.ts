import type { HostConfig } from '../../../core/containers.js';
import { invalidArgument } from '../../../lib/errdefs.js';
import { sysctlNamespace } from '../../../lib/sysctls.js';
import { DEFAULT_CAPABILITIES, normalizeCapabilities } from '../spec/capabilities.js';
import { parseSeccompProfile, seccompToOci } from '../spec/seccomp.js';
import { securityOptions } from '../spec/security-opts.js';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from '../spec/security.js';
import type { DaemonSecurity } from '../spec/types.js';

const isContainerMode = (m: string): boolean => m.startsWith('container:') && m.length > 'container:'.length;

function checkSysctls(hc: HostConfig): void {
  for (const key of Object.keys(hc.Sysctls ?? {})) {
    const ns = sysctlNamespace(key);
    if (ns === undefined) throw invalidArgument(`sysctl '${key}' is not allowed`);
    if (ns === 'net' && hc.NetworkMode === 'host') throw invalidArgument(`sysctl '${key}' is not allowed in host network namespace`);
    if (ns === 'ipc' && hc.IpcMode === 'host') throw invalidArgument(`sysctl '${key}' is not allowed in host ipc namespace`);
    if (ns === 'uts' && hc.UTSMode === 'host') throw invalidArgument(`sysctl '${key}' is not allowed in host UTS namespace`);
  }
}

const DEVICE_PERMS = /^[rwm]{1,3}$/;

function checkDevices(hc: HostConfig): void {
  for (const d of hc.Devices ?? []) {
    if (!d.PathOnHost?.startsWith('/')) throw invalidArgument(`invalid device path on host: "${d.PathOnHost ?? ''}": it must be an absolute path`);
    if (d.PathInContainer && !d.PathInContainer.startsWith('/')) throw invalidArgument(`${d.PathInContainer} is not an absolute path`);
    if (d.CgroupPermissions && (!DEVICE_PERMS.test(d.CgroupPermissions) || new Set(d.CgroupPermissions).size !== d.CgroupPermissions.length)) {
      throw invalidArgument(`invalid device cgroup permissions: "${d.CgroupPermissions}"`);
    }
  }
}

/**
 * Checks the security and namespace settings of a create request (Docker's messages; nothing
 * is created when one fails) and fills the defaults Docker records: IpcMode (private),
 * CgroupnsMode (private on cgroup v2, host on v1), masked and read-only paths.
 * `containerExists` answers `container:<x>` modes (it throws NotFound for an unknown x).
 */
export function checkSecurityConfig(hc: HostConfig, daemon: DaemonSecurity | undefined, containerExists: (ref: string) => void): HostConfig {
  const out: HostConfig = { ...hc };
  normalizeCapabilities(hc.CapAdd ?? [], 'CapAdd');
  normalizeCapabilities(hc.CapDrop ?? [], 'CapDrop');
  const opts = securityOptions(hc.SecurityOpt);
  if (opts.seccomp !== 'builtin' && opts.seccomp !== 'unconfined') {
    if (daemon?.seccomp === false) throw invalidArgument('seccomp is not enabled in your kernel, cannot run a custom seccomp profile');
    seccompToOci(parseSeccompProfile(opts.seccomp), { capabilities: DEFAULT_CAPABILITIES });
  }

  const pid = hc.PidMode ?? '';
  if (pid !== '' && pid !== 'host' && !isContainerMode(pid)) throw invalidArgument(`invalid PID mode: ${pid}`);
  const ipc = hc.IpcMode ?? '';
  if (!['', 'none', 'private', 'shareable', 'host'].includes(ipc) && !isContainerMode(ipc)) throw invalidArgument(`invalid IPC mode: ${ipc}`);
  const uts = hc.UTSMode ?? '';
  if (uts !== '' && uts !== 'host') throw invalidArgument(`invalid UTS mode: ${uts}`);
  const userns = hc.UsernsMode ?? '';
  if (userns !== '' && userns !== 'host') throw invalidArgument(`invalid USER mode: ${userns}`);
  const cgroupns = hc.CgroupnsMode ?? '';
  if (cgroupns !== '' && cgroupns !== 'private' && cgroupns !== 'host') throw invalidArgument(`invalid cgroup namespace mode: ${cgroupns}`);
  for (const mode of [pid, ipc]) if (isContainerMode(mode)) containerExists(mode.slice('container:'.length));

  if (daemon?.remap && userns !== 'host') {
    if (hc.Privileged) {
      throw invalidArgument(
        'privileged mode is incompatible with user namespaces.  You must run the container in the host namespace when running privileged mode',
      );
    }
    if (hc.NetworkMode === 'host') throw invalidArgument("cannot share the host's network namespace when user namespaces are enabled");
    if (pid === 'host') throw invalidArgument('cannot share the host PID namespace when user namespaces are enabled');
  }
  checkSysctls(hc);
  checkDevices(hc);
  for (const g of hc.GroupAdd ?? []) if (g === '') throw invalidArgument('invalid GroupAdd: empty group');

  out.IpcMode = ipc === '' ? 'private' : ipc;
  out.CgroupnsMode = cgroupns === '' ? (daemon?.cgroupVersion === '2' ? 'private' : 'host') : cgroupns;
  out.PidMode = pid;
  out.UTSMode = uts;
  out.UsernsMode = userns;
  if (!hc.Privileged) {
    const unmask = opts.unmaskedSystemPaths;
    out.MaskedPaths = hc.MaskedPaths ?? (unmask ? [] : [...DEFAULT_MASKED_PATHS]);
    out.ReadonlyPaths = hc.ReadonlyPaths ?? (unmask ? [] : [...DEFAULT_READONLY_PATHS]);
  }
  return out;
}

/**
 * `info`'s SecurityOptions, Docker's names in Docker's order, and Warnings for options berth
 * accepts but this host cannot apply (AppArmor, SELinux labels).
 */
export function securityInfo(daemon: DaemonSecurity, lsms: { apparmor: boolean; selinux: boolean }): { options: string[]; warnings: string[] } {
  const options: string[] = [];
  const warnings: string[] = [];
  // Only what containers really get here (Docker's fillSecurityOptions): berth applies no SELinux
  // labels, so `name=selinux` is never named.
  if (lsms.apparmor) options.push('name=apparmor');
  if (daemon.seccomp !== false) options.push('name=seccomp,profile=builtin');
  if (daemon.remap) options.push('name=userns');
  if (daemon.cgroupVersion === '2') options.push('name=cgroupns');
  if (!lsms.apparmor) warnings.push('WARNING: AppArmor is not enabled on this host: --security-opt apparmor=… is accepted but not applied');
  if (daemon.seccomp === false) warnings.push('WARNING: seccomp is not enabled in your kernel: containers run without a seccomp profile');
  warnings.push(
    lsms.selinux
      ? 'WARNING: berth applies no SELinux labels: --security-opt label=… is accepted but not applied'
      : 'WARNING: SELinux is not enabled on this host: --security-opt label=… is accepted but not applied',
  );
  return { options, warnings };
}
