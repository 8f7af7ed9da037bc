import type { ContainerSummary } from './containers.js';
import type { ImageSummary } from './images.js';
import type { Volume } from '../../core/volumes.js';

/** A volume in `GET /system/df`: its usage (-1 when unknown, as Docker reports it). */
export type VolumeUsage = Volume & { UsageData: { Size: number; RefCount: number } };

/** A build cache record in `GET /system/df`: a cached step or a `RUN --mount=type=cache` directory. `Parents` from 1.42 (`Parent` before). */
export interface BuildCacheRecord {
  ID: string;
  Parent?: string;
  Parents?: string[];
  Type: string;
  Description: string;
  InUse: boolean;
  Shared: boolean;
  Size: number;
  CreatedAt: string;
  LastUsedAt: string | null;
  UsageCount: number;
}

/** `GET /system/df` without `type` (every object type; a `type` query leaves the others out). `BuilderSize` up to 1.41. */
export interface DiskUsageResponse {
  LayersSize: number;
  Images: ImageSummary[];
  Containers: ContainerSummary[];
  Volumes: VolumeUsage[];
  BuildCache: BuildCacheRecord[];
  BuilderSize?: number;
}

/** `POST /containers/prune`. */
export interface ContainerPruneResponse {
  ContainersDeleted: string[] | null;
  SpaceReclaimed: number;
}

/** `POST /images/prune`. */
export interface ImagePruneResponse {
  ImagesDeleted: Array<{ Untagged: string } | { Deleted: string }> | null;
  SpaceReclaimed: number;
}
