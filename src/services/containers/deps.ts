import type { ImageStore } from '../../core/images.js';
import type { CgroupFeatures } from '../../lib/cgroups/features.js';
import type { ContainerRuntime } from '../../core/runtime.js';
import type { Snapshotter } from '../../core/snapshots.js';
import type { KeyedLock } from '../../lib/keyed-lock.js';
import type { EventBus } from '../events.js';
import type { LogService } from '../logs/service.js';
import type { NetworkDeps } from '../networks/deps.js';
import type { VolumeDeps } from '../volumes/deps.js';
import type { DaemonSecurity } from './spec/types.js';
import type { ContainerStore } from './store.js';
import type { ExitWaiters } from './wait.js';

/** The daemon's defaults for containers (daemon.json `default-ulimits`, `dns*`, `log-driver`/`log-opts`). */
export interface ContainerDefaults {
  /** Merged under HostConfig.Ulimits (a container's own limit of the same name wins). */
  ulimits: Array<{ Name: string; Soft: number; Hard: number }>;
  /** Used in resolv.conf where the container gives no --dns / --dns-search / --dns-option. */
  dns: { servers: string[]; search: string[]; options: string[] };
  /** daemon.json `runtimes` (names) and `default-runtime`: HostConfig.Runtime must name one. */
  runtimes: { names: string[]; default: string };
  /** daemon.json `cpu-rt-period`/`cpu-rt-runtime`: the real-time budget given to the containers' parent cgroup. */
  cpuRealtime?: { period: number; runtime: number };
}

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
  /** Host facts read once at start-up; `cgroups`: what Docker's create checks of the resource settings ask of the host. */
  host: { hostname: string; nofile: { soft: number; hard: number }; cgroups?: CgroupFeatures };
  /** The daemon's log (work that finishes in the background reports its failures here). */
  log?: (msg: string) => void;
  /** Told how long each successful start took (metrics); optional. */
  onStarted?: (seconds: number) => void;
  defaults?: ContainerDefaults;
  /** cgroup version, userns-remap mappings, AppArmor: absent in unit fixtures. */
  security?: DaemonSecurity;
}
