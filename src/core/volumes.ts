/**
 * Volumes: named directories that outlive containers. A driver owns where a volume's data lives
 * (`mountpoint`) and how it is made available (a plain directory, or a device the local driver
 * mounts there for `-o type=tmpfs|none,device=…,o=…`).
 *
 * Lifecycle: `create` makes the volume (idempotent for an existing name); `mount` makes its data
 * available at `mountpoint` before a container uses it (a no-op for plain directories);
 * `remove` unmounts and deletes it. Whether a volume is in use is the caller's question (the
 * containers that reference it): drivers never refuse on that ground.
 */
export interface Volume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  /** RFC 3339, seconds precision (Docker's CreatedAt). */
  CreatedAt: string;
  Labels: Record<string, string> | null;
  Options: Record<string, string> | null;
  Scope: 'local';
}

export interface VolumeCreateOptions {
  labels?: Record<string, string> | null;
  options?: Record<string, string> | null;
}

export interface VolumeDriver {
  readonly name: string;
  create(name: string, opts?: VolumeCreateOptions): Promise<Volume>;
  get(name: string): Volume | undefined;
  list(): Volume[];
  mount(name: string): Promise<string>;
  remove(name: string): Promise<void>;
  /** Bytes used by the volume's data (for prune's SpaceReclaimed); 0 when unknown. */
  size(name: string): Promise<number>;
}

/** Label Docker (23+) puts on volumes created without a name. */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

/**
 * A container's mount as recorded at create: Docker's MountPoint. `Source` is the host path (a
 * volume's mountpoint for volumes, empty for tmpfs). The fields after Propagation are berth's own
 * and never shown.
 */
export interface MountPoint {
  Type: 'bind' | 'volume' | 'tmpfs' | 'image';
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
  /** Copy the image's content at Destination into the volume while it is empty (Docker's default). */
  CopyData?: boolean;
  /** Created for this container without a name: removed with `rm -v` and `--rm`. */
  Anonymous?: boolean;
  /** A `-v` bind whose missing source directory is created at start (Docker's; not for `--mount`). */
  CreateSource?: boolean;
  /** tmpfs mount options (size=…, mode=…) for Type tmpfs. */
  TmpfsOptions?: string[];
  /** A directory inside the volume or image to mount instead of its root (relative, checked local). */
  Subpath?: string;
  /** Type image: the image's ID (what keeps `rmi` from removing it); Source is the reference given. */
  ImageID?: string;
  /** A read-only bind that stays writable under its submounts (Docker's ReadOnlyNonRecursive), or that must not (ReadOnlyForceRecursive). */
  ReadOnlyNonRecursive?: boolean;
  ReadOnlyForceRecursive?: boolean;
}
