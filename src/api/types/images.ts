import type { ImageRuntimeConfig } from '../../core/images.js';

export interface ImageSummary {
  Id: string;
  ParentId: string;
  RepoTags: string[];
  RepoDigests: string[];
  Created: number;
  Size: number;
  SharedSize: number;
  /** Below API 1.44 only. */
  VirtualSize?: number;
  Labels: Record<string, string> | null;
  Containers: number;
  /** From API 1.48: the OCI descriptor of the image's target. */
  Descriptor?: OciDescriptor;
  /** From API 1.47, with `manifests=1`. */
  Manifests?: ImageManifestSummary[];
}

export interface OciPlatform {
  architecture: string;
  os: string;
  variant?: string;
}

export interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: OciPlatform;
}

/** Docker's `ImageManifestSummary` (API 1.47+). */
export interface ImageManifestSummary {
  ID: string;
  Descriptor: OciDescriptor;
  Available: boolean;
  Size: { Total: number; Content: number };
  Kind: 'image' | 'attestation' | 'unknown';
  ImageData?: { Platform: OciPlatform; Containers: string[]; Size: { Unpacked: number } };
  AttestationData?: { For: string };
}

export interface ImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  /** Left out when empty from API 1.52 (as Comment, DockerVersion, Author). */
  Parent?: string;
  Comment?: string;
  /** Left out from API 1.44 when the image config has none. */
  Created?: string;
  /** Below API 1.45 only. */
  Container?: string;
  ContainerConfig?: ImageRuntimeConfig & { Image?: string };
  DockerVersion?: string;
  Author?: string;
  Config: ImageRuntimeConfig & { Image?: string; Hostname?: string };
  Architecture: string;
  Variant?: string;
  Os: string;
  Size: number;
  /** Below API 1.44 only. */
  VirtualSize?: number;
  GraphDriver: { Name: string; Data: Record<string, string> | null };
  RootFS: { Type: string; Layers: string[] };
  Metadata: { LastTagTime: string };
  /** From API 1.48. */
  Descriptor?: OciDescriptor;
  /** From API 1.48, with `manifests=1`. */
  Manifests?: ImageManifestSummary[];
}

export type ImageDeleteResponseItem = { Untagged: string } | { Deleted: string };

/** One line of a JSON progress stream (pull, push, load, import, build). */
export interface JsonMessage {
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  stream?: string;
  error?: string;
  errorDetail?: { message: string; code?: number };
  aux?: unknown;
}

/** `GET /images/{name}/history` item, newest first. */
export type { HistoryItem as ImageHistoryItem } from '../../core/images.js';

/** `GET /distribution/{name}/json`: the manifest (or index) a reference names on its registry, and its platforms. */
export interface DistributionInspect {
  Descriptor: { mediaType: string; digest: string; size: number };
  Platforms: Array<{ architecture: string; os: string; 'os.version'?: string; 'os.features'?: string[]; variant?: string }> | null;
}
