import type { AuthConfig } from '../core/registry.js';
import type { ContainerDeps } from '../services/containers/deps.js';
import type { ImageDeps } from '../services/images/deps.js';
import type { BuildCache } from './cache.js';
import type { BuildContext } from './context-index.js';
import type { Stage } from './stages.js';

/** What a build needs: the image and container use cases (RUN goes through create/start/commit) and the cache. */
export interface BuilderDeps {
  images: ImageDeps;
  containers: ContainerDeps;
  cache: BuildCache;
  /** A directory on the data root's filesystem for contexts and scratch mounts. */
  scratch: string;
}

export interface BuildOptions {
  context: BuildContext;
  /** Path of the Dockerfile inside the context. */
  dockerfile: string;
  /** The Dockerfile's text when it does not come from the context (BuildKit's `dockerfile` source). */
  dockerfileText?: string;
  tags: string[];
  /** `--build-arg`: a null value means "take it from the client's environment", which the CLI already did. */
  buildArgs: Record<string, string | null>;
  target?: string;
  noCache: boolean;
  /** BuildKit's `--no-cache-filter`: the stages (by name) built without the cache. */
  noCacheStages?: string[];
  /** `--cache-from`: when given, only these images (and their ancestors) serve as cache. */
  cacheFrom?: string[];
  /** `--add-host`: `host:ip` entries for the /etc/hosts of RUN steps. */
  extraHosts?: string[];
  rm: boolean;
  forceRm: boolean;
  labels: Record<string, string>;
  quiet: boolean;
  networkMode?: string;
  platform?: string;
  /** BuildKit's Dockerfile (the `dockerfile.v0` frontend): COPY --parents/--exclude and ADD --checksum, which the classic builder refuses. */
  buildkit?: boolean;
  /** The BuildKit client's session (buildx); absent for the classic `POST /build`, which refuses `RUN --mount`. */
  session?: BuildSession;
}

/** What a build asks of the client that started it (BuildKit's session services). */
export interface BuildSession {
  /** A secret by ID (`--secret id=…`); undefined when the client has none by that ID. */
  secret(id: string): Promise<Buffer | undefined>;
  /** The client's credentials for a registry (`docker.io`, `host:port`), for a FROM image to pull; undefined: none. */
  credentials(domain: string): Promise<AuthConfig | undefined>;
  /** The client's SSH agent `id` as a host socket for a RUN step (`--mount=type=ssh`); NotFound when the client forwards none by that ID. */
  sshAgent(id: string): Promise<{ path: string; close(): Promise<void> }>;
}

/** Where build output goes: step lines (Docker's classic text) and the result ID. */
export interface BuildOutput {
  stream(text: string): void;
  aux(value: unknown): void;
  /** Structured progress (BuildKit's vertexes); when set, the classic step lines are not written. */
  steps?: StepProgress;
}

/** Each step as it starts, for a client that shows steps rather than the classic text. */
export interface StepProgress {
  /** Step `index` of `stage` starts (-1: its FROM); `stages` are the stages being built. */
  start(stage: Stage, index: number, stages: Stage[]): void;
  /** The step just started was served by the cache. */
  cached(): void;
  /** Output of the running step's command. */
  log(text: string): void;
  /** A progress line of the running step (a FROM image being pulled: `resolve …`, a layer's bytes); `done` completes it. */
  status?(id: string, current: number, total: number, done: boolean): void;
  /**
   * A progress of its own for one stage that runs beside others (BuildKit's progress: each step
   * its own vertex). Without it the stages are built one after the other (the classic text).
   */
  lane?(): StepProgress;
  /** The stage of this lane is over (its last step done). */
  end?(): void;
}
