import type { Image } from '../../core/images.js';
import type { EventBus } from '../events.js';

/**
 * Publishes an image event as dockerd does: Actor.ID is the image ID (a reference for pull and
 * push), the attributes are the image's labels and `name` (the tag for tag/pull/push, else the ID).
 */
export function publishImageEvent(bus: EventBus, image: Image | undefined, action: string, opts: { id?: string; name?: string } = {}): void {
  const id = opts.id ?? image?.id ?? '';
  bus.publish('image', action, id, { ...(image?.config.config?.Labels ?? {}), name: opts.name ?? id });
}
