import type { ContentStore } from '../../core/content.js';
import type { ImageStore } from '../../core/images.js';
import type { Snapshotter } from '../../core/snapshots.js';
import type { EventBus } from '../events.js';
import type { ContainerStore } from '../containers/store.js';

export interface ImageDeps {
  content: ContentStore;
  images: ImageStore;
  snapshotter: Snapshotter;
  containers: ContainerStore;
  events: EventBus;
}
