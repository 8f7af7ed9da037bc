import type { ImageDeps } from '../services/images/deps.js';

/** What the CRI server needs of berthd: the one image store (with its registry client), the data root, the log. */
export interface CriDeps {
  images: ImageDeps;
  /** The snapshots' directory: ImageFsInfo's filesystem. */
  imageFs: string;
  /** berth's version (semver): VersionResponse.runtime_version. */
  version: string;
  log(msg: string): void;
  /** With `-D`, every CRI call is logged. */
  debug(): boolean;
}
