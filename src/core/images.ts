import type { Digest } from '../lib/digest.js';
import type { HealthConfig } from './containers.js';

/** The runtime part of an OCI/Docker image config. */
export interface ImageRuntimeConfig {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object>;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  /** Durations in nanoseconds; Test is `["NONE"]`, `["CMD", …]` or `["CMD-SHELL", cmd]`. */
  Healthcheck?: HealthConfig;
  /** ONBUILD triggers, run by builds that start FROM this image. */
  OnBuild?: string[] | null;
  Shell?: string[];
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** The image config blob (OCI image spec `config`, as Docker writes it). */
export interface ImageConfigBlob {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  variant?: string;
  config?: ImageRuntimeConfig;
  rootfs: { type: 'layers'; diff_ids: Digest[] };
  history?: HistoryEntry[];
  comment?: string;
  docker_version?: string;
  /** Set by commit: the container the image was made from, and that container's config. */
  container?: string;
  container_config?: ImageRuntimeConfig;
}

/** An image as the image store knows it: its ID is the config digest, as in Docker. */
export interface Image {
  id: Digest;
  /** Full normalised names (`docker.io/library/busybox:latest`), may be empty (dangling). */
  names: string[];
  manifestDigest: Digest;
  config: ImageConfigBlob;
  /** Sum of the layers' uncompressed sizes. */
  size: number;
}

export interface ImageStore {
  list(): Image[];
  get(id: Digest): Image | undefined;
  /** Resolves a name, a full or short ID, or `name@digest`; undefined when nothing matches. */
  resolve(nameOrId: string): Image | undefined;
  /** Records an image from a manifest already in the content store and points `names` at it. */
  add(image: Image): Promise<void>;
  tag(id: Digest, name: string): Promise<void>;
  untag(name: string): Promise<Image | undefined>;
  delete(id: Digest): Promise<void>;
}

/** One step of an image's history, newest first (Docker's `HistoryResponseItem`). */
export interface HistoryItem {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}
