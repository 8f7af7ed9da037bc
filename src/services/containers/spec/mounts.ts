import type { Mount } from '../../../lib/oci/runtime-spec.js';
import type { SpecOption } from './types.js';

/** Docker's default /dev/shm size: 64 MiB. */
export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;

/**
 * Docker's default filesystem mounts (oci.DefaultLinuxSpec plus /dev/shm by IPC mode: a private
 * tmpfs for private/shareable, the host's or the donor container's for host/container:<x>, none
 * for `none`). `--privileged` makes /sys and /sys/fs/cgroup writable, as Docker does.
 * Replaces spec.mounts, so it runs before options that append (withEtcMounts).
 */
export const withDefaultMounts: SpecOption = (spec, ctx) => {
  const hc = ctx.record.HostConfig;
  const sysOpts = hc.Privileged ? ['nosuid', 'noexec', 'nodev'] : ['nosuid', 'noexec', 'nodev', 'ro'];
  const shmSize = hc.ShmSize && hc.ShmSize > 0 ? hc.ShmSize : DEFAULT_SHM_SIZE;
  spec.mounts = [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    {
      destination: '/dev',
      type: 'tmpfs',
      source: 'tmpfs',
      options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'],
    },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: sysOpts },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: [...sysOpts] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
  ];
  const ipc = hc.IpcMode ?? '';
  // shmSource: the donor's, the host's, a shareable one's own, or the one that goes with a joined IPC namespace.
  if (ipc === 'host' || ipc.startsWith('container:') || ctx.shmSource !== undefined) {
    spec.mounts.push({ destination: '/dev/shm', type: 'bind', source: ctx.shmSource ?? '/dev/shm', options: ['rbind', 'rprivate'] });
  } else if (ipc !== 'none') {
    spec.mounts.push({ destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${shmSize}`] });
  }
};

/**
 * Binds the container's generated /etc/hostname, /etc/hosts and /etc/resolv.conf (files in the
 * container's directory, written by the caller). Read-only only with `--read-only`, so that
 * programs in the container may still edit them, as under Docker. Appends to spec.mounts.
 */
export const withEtcMounts: SpecOption = (spec, ctx) => {
  const { Paths: paths, HostConfig: hc } = ctx.record;
  const options = hc.ReadonlyRootfs ? ['rbind', 'rprivate', 'ro'] : ['rbind', 'rprivate'];
  const binds: Array<[string, string]> = [
    [paths.HostnamePath, '/etc/hostname'],
    [paths.HostsPath, '/etc/hosts'],
    [paths.ResolvConfPath, '/etc/resolv.conf'],
  ];
  const mounts: Mount[] = binds
    .filter(([source]) => source !== '')
    .map(([source, destination]) => ({ destination, type: 'bind', source, options: [...options] }));
  (spec.mounts ??= []).push(...mounts);
};
