import { type ContainerRecord, isLive } from '../../core/containers.js';
import { conflict } from '../../lib/errdefs.js';
import type { ContainerDeps } from './deps.js';
import { allHostDevices, mappedDevices } from './config/host-devices.js';
import { shmPath } from './shm.js';
import type { SpecContext } from './spec/types.js';

/**
 * What a container's spec needs from the host and from other containers, resolved at start:
 * the namespaces the record joins by path, the pid/ipc namespaces of `container:<x>` modes (x must be running; an IPC donor must be
 * shareable, as under Docker), the /dev/shm to bind, host devices, and the daemon's facts.
 */
export async function hostSpecContext(
  deps: Pick<ContainerDeps, 'store' | 'security'>,
  rec: ContainerRecord,
): Promise<Pick<SpecContext, 'join' | 'shmSource' | 'devices' | 'daemon'>> {
  const hc = rec.HostConfig;
  const out: Pick<SpecContext, 'join' | 'shmSource' | 'devices' | 'daemon'> = { daemon: deps.security };
  if (rec.JoinNamespaces) {
    const { shm, ...join } = rec.JoinNamespaces;
    out.join = join;
    if (shm) out.shmSource = shm;
  }
  const pid = hc.PidMode ?? '';
  if (pid.startsWith('container:')) {
    const other = deps.store.get(pid.slice('container:'.length));
    if (!isLive(other)) throw conflict(`cannot join PID of a non running container: ${other.Id}`);
    out.join = { ...out.join, pid: `/proc/${other.State.Pid}/ns/pid` };
  }
  const ipc = hc.IpcMode ?? '';
  if (ipc === 'host') out.shmSource = '/dev/shm';
  if (ipc.startsWith('container:')) {
    const other = deps.store.get(ipc.slice('container:'.length));
    if (!isLive(other)) throw conflict(`cannot join IPC of a non running container: ${other.Id}`);
    const donor = other.HostConfig.IpcMode ?? '';
    if (donor !== 'shareable' && donor !== 'host') {
      throw conflict('non-shareable IPC (hint: use IpcMode:shareable for the donor container)');
    }
    out.join = { ...out.join, ipc: `/proc/${other.State.Pid}/ns/ipc` };
    out.shmSource = donor === 'host' ? '/dev/shm' : shmPath(other);
  }
  if (hc.Privileged) out.devices = await allHostDevices();
  else if ((hc.Devices ?? []).length > 0) out.devices = await mappedDevices(hc.Devices!);
  return out;
}
