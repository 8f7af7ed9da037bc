import type { ContainerRecord } from '../../core/containers.js';
import type { EventBus } from '../events.js';

/** Publishes a container event with Docker's attributes: the container's labels, image and name. */
export function publishContainerEvent(bus: EventBus, rec: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
  bus.publish('container', action, rec.Id, { ...(rec.Config.Labels ?? {}), image: rec.ImageRef, name: rec.Name, ...extra });
}
