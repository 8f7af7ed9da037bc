import type { Volume } from '../../core/volumes.js';

/** Docker Engine API v1.41 volume shapes: shared by the server (compat/) and the client (CLI). */
export type { Volume };

export interface VolumeCreateRequest {
  Name?: string;
  Driver?: string;
  DriverOpts?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

export interface VolumeListResponse {
  Volumes: Volume[];
  Warnings: string[] | null;
}

export interface VolumePruneResponse {
  VolumesDeleted: string[];
  SpaceReclaimed: number;
}
