import type { Digest } from '../lib/digest.js';
import type { ImageRuntimeConfig } from '../lib/oci/image-config.js';

/** The runtime part of an image config is an image-spec shape (lib/oci). */
export type { ImageRuntimeConfig };

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

/** A full name that is a digest reference (`repo@sha256:…`) rather than a tag (`repo:tag`). */
export const isDigestName = (name: string): boolean => name.includes('@');

/** An image's tag names (`repo:tag`); its other names are digest references. */
export function tagNames(img: Image): string[] {
  return img.names.filter((n) => !isDigestName(n));
}

/** The digest references a pull or a push recorded for the image (Docker's RepoDigests). */
export function digestNames(img: Image): string[] {
  return img.names.filter(isDigestName);
}

/** Dangling: no tag. An image known only by digest references is dangling too, as in Docker. */
export function isDangling(img: Image): boolean {
  return tagNames(img).length === 0;
}

/**
 * The images and their names. A name belongs to one image at a time: pointing it at another image
 * (add, tag) moves it, and an image left with no name stays, dangling, until it is deleted. Every
 * change is durable when its promise resolves: a store opened again on the same state has the
 * same images and names. `images.suite.ts` is the contract's test suite; every store runs it.
 */
export interface ImageStore {
  list(): Image[];
  get(id: Digest): Image | undefined;
  /**
   * Resolves a name (normalised first: `busybox` is `docker.io/library/busybox:latest`), a full or
   * short ID, or a `name@digest` recorded as a name; undefined when nothing matches (a malformed
   * name included); InvalidArgument when a short ID matches more than one image.
   */
  resolve(nameOrId: string): Image | undefined;
  /**
   * Records an image from a manifest already in the content store and points `names` (full,
   * normalised) at it; adding a known image again adds the names to those it has.
   */
  add(image: Image): Promise<void>;
  /** NotFound when no image has that ID. */
  tag(id: Digest, name: string): Promise<void>;
  /** Takes the name off its image and returns that image (which stays); undefined when no image had it. */
  untag(name: string): Promise<Image | undefined>;
  /** Forgets the image and its names (its blobs stay in the content store); NotFound when unknown. */
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
