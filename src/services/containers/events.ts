import type { ContainerRecord } from '../../core/containers.js';
import type { EventBus } from '../events.js';
import type { ContainerDeps } from './deps.js';

/** Publishes a container event with Docker's attributes: the container's labels, image and name. */
export function publishContainerEvent(bus: EventBus, rec: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
  bus.publish('container', action, rec.Id, { ...(rec.Config.Labels ?? {}), image: rec.ImageRef, name: rec.Name, ...extra });
}

/** Docker's exec event action: `exec_create: <entrypoint> <args…>` (an empty args list leaves a trailing space). */
export function execAction(kind: 'exec_create' | 'exec_start', cmd: string[]): string {
  return `${kind}: ${cmd[0] ?? ''} ${cmd.slice(1).join(' ')}`;
}

/** The networks a container is joined to, as their records (name, id, driver). */
function joinedNetworks(deps: Pick<ContainerDeps, 'networks' | 'events'>, rec: ContainerRecord): Array<{ Id: string; Name: string; Driver: string }> {
  const store = deps.networks?.store;
  if (store === undefined) return [];
  return Object.entries(rec.NetworkSettings?.Networks ?? {}).flatMap(([name, ep]) => {
    const net = store.find(ep.NetworkID || name);
    return net ? [net] : [];
  });
}

const volumesOf = (rec: ContainerRecord) => (rec.MountPoints ?? []).filter((m) => m.Type === 'volume' && m.Name);

/**
 * What Docker reports around a start, before `start` itself: `network connect` for each network
 * the container joins, then `volume mount` for each volume.
 */
export function publishAttachEvents(deps: Pick<ContainerDeps, 'networks' | 'events'>, rec: ContainerRecord): void {
  for (const net of joinedNetworks(deps, rec)) deps.events.publish('network', 'connect', net.Id, { container: rec.Id, name: net.Name, type: net.Driver });
  for (const m of volumesOf(rec)) {
    deps.events.publish('volume', 'mount', m.Name!, {
      container: rec.Id,
      destination: m.Destination,
      driver: m.Driver ?? 'local',
      propagation: m.Propagation ?? '',
      'read/write': String(m.RW),
    });
  }
}

/** After `die`: `network disconnect` for each network, then `volume unmount` for each volume. */
export function publishDetachEvents(deps: Pick<ContainerDeps, 'networks' | 'events'>, rec: ContainerRecord): void {
  for (const net of joinedNetworks(deps, rec)) deps.events.publish('network', 'disconnect', net.Id, { container: rec.Id, name: net.Name, type: net.Driver });
  for (const m of volumesOf(rec)) deps.events.publish('volume', 'unmount', m.Name!, { container: rec.Id, driver: m.Driver ?? 'local' });
}
