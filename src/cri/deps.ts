import type { KeyedLock } from '../lib/keyed-lock.js';
import type { ContainerDeps } from '../services/containers/deps.js';
import type { ExecDeps } from '../services/containers/exec/deps.js';
import type { ImageDeps } from '../services/images/deps.js';
import type { PodNetwork } from './pod-network.js';
import type { SandboxStore } from './sandbox-store.js';

/** What the CRI server needs of berthd: the one image store (with its registry client), the containers, the pods, the data root, the log. */
export interface CriDeps {
  images: ImageDeps;
  /** The containers and their exec instances: ExecSync, Exec, Attach and stats run on berth's own services. */
  containers: ExecDeps;
  /** The network namespace (a path) PortForward connects in, from a pod sandbox id (cri/sandbox-status.ts `sandboxNetnsPath`). */
  sandboxNetns(podSandboxId: string): Promise<string>;
  /** The snapshots' directory: ImageFsInfo's filesystem. */
  imageFs: string;
  /** berth's version (semver): VersionResponse.runtime_version. */
  version: string;
  /** Pod sandboxes and their containers (ordinary berth containers). */
  pods: PodDeps;
  log(msg: string): void;
  /** With `-D`, every CRI call is logged. */
  debug(): boolean;
}

/** Pod sandboxes: their records, their network, the container service their containers go through. */
export interface PodDeps {
  sandboxes: SandboxStore;
  network: PodNetwork;
  containers: ContainerDeps;
  /** Serialises run/stop/remove of one sandbox. */
  locks: KeyedLock;
  /** `<exec-root>/cri`: a directory per pod with its namespace pins. */
  runRoot: string;
  log(msg: string): void;
}
