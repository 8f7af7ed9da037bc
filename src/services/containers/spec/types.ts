import type { ContainerRecord } from '../../../core/containers.js';
import type { Spec } from '../../../lib/oci/runtime-spec.js';

/** The container's user as resolved against the image's /etc/passwd and /etc/group. */
export interface ResolvedUser {
  uid: number;
  gid: number;
  /** Docker's order: the primary gid first, then supplementary groups; no duplicates. */
  additionalGids: number[];
  home: string;
}

/**
 * Everything an option may read. Facts about the host (limits, hostname for `--network host`)
 * are resolved by the caller and passed in, so options stay pure and testable; the one
 * exception is the host capability mask, see capabilities.ts.
 */
export interface SpecContext {
  record: ContainerRecord;
  /** Host path of the mounted rootfs. */
  rootfs: string;
  user: ResolvedUser;
  /** The hostname to set: Config.Hostname, or the host's own for `--network host`. */
  hostname: string;
  /** berthd's own RLIMIT_NOFILE; a container may not exceed the hard one (EPERM otherwise). */
  hostNofile: { soft: number; hard: number };
  /** daemon.json `default-ulimits`: apply where HostConfig.Ulimits has none of that name. */
  defaultUlimits?: Array<{ Name: string; Soft: number; Hard: number }>;
  /** A prepared network namespace to join (CNI); without it a new, empty one is created. */
  netnsPath?: string;
}

/** One flag family's contribution to the spec: mutates `spec` in place; throws BerthError. */
export type SpecOption = (spec: Spec, ctx: SpecContext) => void;
