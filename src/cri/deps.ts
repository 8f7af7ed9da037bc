import type { ExecDeps } from '../services/containers/exec/deps.js';
import type { ImageDeps } from '../services/images/deps.js';

/** What the CRI server needs of berthd: the one image store (with its registry client), the containers, the data root, the log. */
export interface CriDeps {
  images: ImageDeps;
  /** The containers and their exec instances: ExecSync, Exec, Attach and stats run on berth's own services. */
  containers: ExecDeps;
  /**
   * The network namespace (a path) PortForward connects in, from a pod sandbox id. Until pod
   * sandboxes are wired this resolves a berth container id to its process's netns.
   */
  sandboxNetns(podSandboxId: string): Promise<string>;
  /** The snapshots' directory: ImageFsInfo's filesystem. */
  imageFs: string;
  /** berth's version (semver): VersionResponse.runtime_version. */
  version: string;
  log(msg: string): void;
  /** With `-D`, every CRI call is logged. */
  debug(): boolean;
}
