import type { ContainerSummary } from './containers.js';
import type { ImageSummary } from './images.js';

/** `GET /system/df`. */
export interface DiskUsageResponse {
  LayersSize: number;
  Images: ImageSummary[];
  Containers: ContainerSummary[];
  Volumes: unknown[];
  BuildCache: unknown[];
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
