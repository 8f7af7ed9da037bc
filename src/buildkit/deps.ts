import type { BuilderDeps } from '../builder/deps.js';
import type { BuildProgress, ProgressRegistry } from './progress.js';
import type { SessionRegistry } from './sessions.js';
import type { Digest } from '../lib/digest.js';
import type { StatusDetail } from './grpc-errors.js';

/** What the BuildKit API needs from the daemon: the classic builder's dependencies (one builder, one cache). */
export interface BuildkitDeps {
  builder: BuilderDeps;
  /** The worker's snapshotter name as BuildKit labels it (`overlayfs`, `native`). */
  snapshotter: string;
  log(msg: string): void;
  /** `-D`: every gRPC call is logged. */
  debug(): boolean;
}

/** A build driven through the gateway: Control.Solve waits for the client's LLBBridge.Return. */
export interface GatewayBuild {
  ref: string;
  sessionId: string;
  progress: BuildProgress;
  /** Results of the frontend solves of this build by the ref ID handed to the client. */
  results: Map<string, Digest>;
  returned(result: { ref: string } | { error: string; details: StatusDetail[] }): void;
}

/** The state the BuildKit services share. */
export interface BuildkitState extends BuildkitDeps {
  sessions: SessionRegistry;
  progress: ProgressRegistry;
  /** Builds waiting for their gateway client, by the Solve's ref. */
  builds: Map<string, GatewayBuild>;
}
