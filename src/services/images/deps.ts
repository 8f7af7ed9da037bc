import type { ContentStore } from '../../core/content.js';
import type { RegistryClient } from '../../core/registry.js';
import type { ImageStore } from '../../core/images.js';
import type { RuntimeLifecycle } from '../../core/runtime.js';
import type { Snapshotter } from '../../core/snapshots.js';
import type { EventBus } from '../events.js';
import type { ContainerStore } from '../containers/store.js';
import type { DaemonSecurity } from '../containers/spec/types.js';
import type { IntentLog } from '../../lib/intents.js';

export interface ImageDeps {
  content: ContentStore;
  images: ImageStore;
  snapshotter: Snapshotter;
  containers: ContainerStore;
  /** For commit: a running container is paused while its changes are read. */
  /** Commit pauses a running container; reconcile resumes one a crash left paused. */
  runtime: RuntimeLifecycle;
  events: EventBus;
  /** A directory on the data root's filesystem for temporary files (load spools); emptied at start-up. */
  scratch: string;
  /** Image removal and commit's pause record their intent here first (see reconcile.ts). */
  intents: IntentLog;
  /** How to reach registries (pull, push, login); without it those answer as before. */
  registry?: RegistryClient;
  /** daemon.json `max-concurrent-downloads` / `-uploads` per pull and push (read at each use: SIGHUP changes them). */
  limits?: { readonly downloads: number; readonly uploads: number };
  /** userns-remap: a remapped container's changes are committed with container ids. */
  security?: DaemonSecurity;
}
