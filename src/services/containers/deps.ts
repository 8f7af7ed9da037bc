import type { ImageStore } from '../../core/images.js';
import type { ContainerRuntime } from '../../core/runtime.js';
import type { Snapshotter } from '../../core/snapshots.js';
import type { KeyedLock } from '../../lib/keyed-lock.js';
import type { EventBus } from '../events.js';
import type { LogService } from '../logs/service.js';
import type { NetworkDeps } from '../networks/deps.js';
import type { VolumeDeps } from '../volumes/deps.js';
import type { ContainerStore } from './store.js';
import type { ExitWaiters } from './wait.js';

/** What the container use cases need; wired once in daemon/main.ts. */
export interface ContainerDeps {
  store: ContainerStore;
  images: ImageStore;
  snapshotter: Snapshotter;
  runtime: ContainerRuntime;
  locks: KeyedLock;
  waiters: ExitWaiters;
  events: EventBus;
  /** Volumes for -v/--mount/VOLUME (their `containers` is this store). */
  volumes: VolumeDeps;
  /** Containers in the middle of a restart: their exit must not trigger --rm. */
  restarting: Set<string>;
  /** Log drivers: the capture → driver pumps and reads. */
  logs: LogService;
  /** Networks (CNI): without them every container but `--network host` gets an empty namespace. */
  networks?: NetworkDeps;
  host: { hostname: string; nofile: { soft: number; hard: number } };
}
