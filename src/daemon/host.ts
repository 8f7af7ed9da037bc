import { access, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { cgroupFeatures, type CgroupFeatures } from '../lib/cgroups/features.js';

/** This process's RLIMIT_NOFILE, from /proc/self/limits (Node has no getrlimit). */
export async function nofileLimit(): Promise<{ soft: number; hard: number }> {
  const text = await readFile('/proc/self/limits', 'utf8');
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  const num = (s: string | undefined): number => (s === undefined || s === 'unlimited' ? 1048576 : Number(s));
  return { soft: num(m?.[1]), hard: num(m?.[2]) };
}

export async function cgroupVersion(): Promise<'1' | '2'> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  return / \/sys\/fs\/cgroup [^\n]* - cgroup2 /.test(text) ? '2' : '1';
}

export async function hostInfo(): Promise<{ hostname: string; nofile: { soft: number; hard: number }; cgroups: CgroupFeatures }> {
  return { hostname: hostname(), nofile: await nofileLimit(), cgroups: await cgroupFeatures() };
}

/** Linux security modules the host enforces (what `apparmor=` and `label=` could apply): Docker's checks. */
export async function hostLsms(): Promise<{ apparmor: boolean; selinux: boolean }> {
  const apparmor =
    (await access('/sys/kernel/security/apparmor').then(
      () => true,
      () => false,
    )) && (await readFile('/sys/module/apparmor/parameters/enabled', 'utf8').catch(() => '')).startsWith('Y');
  const selinux = (await readFile('/sys/fs/selinux/enforce', 'utf8').catch(() => '')).trim() !== '';
  return { apparmor, selinux };
}

/**
 * The kernel can filter syscalls (CONFIG_SECCOMP_FILTER), as Docker's sysinfo asks with prctl:
 * its list of filter actions exists from Linux 4.14 on and names `errno`, the profile's default.
 */
export async function seccompSupported(): Promise<boolean> {
  return (await readFile('/proc/sys/kernel/seccomp/actions_avail', 'utf8').catch(() => '')).split(/\s+/).includes('errno');
}
