import type { Mount } from '../../../lib/oci/runtime-spec.js';
import type { MountPoint } from '../../../core/volumes.js';
import type { SpecOption } from './types.js';
import { hostSource } from '../mounts/host-paths.js';

/** Docker's default options for `--tmpfs` and `--mount type=tmpfs`. */
const TMPFS_DEFAULTS = ['noexec', 'nosuid', 'nodev'];

/** Later options win by key (`size=`, `mode=`) or by flag family (exec/noexec, …), as Docker's MergeTmpfsOptions. */
export function mergeTmpfsOptions(options: string[]): string[] {
  const family = (o: string): string => (o.includes('=') ? o.slice(0, o.indexOf('=')) : o.replace(/^no/, ''));
  const out = new Map<string, string>();
  for (const o of options.filter(Boolean)) {
    out.delete(family(o));
    out.set(family(o), o);
  }
  return [...out.values()];
}

/**
 * A bind of `source` (a host path, a volume's data, an image's view). Read-only is recursive
 * (runc's `rro`: submounts of the source are read-only too), as Docker makes it from API 1.44
 * where the kernel can (≥ 5.12, as every kernel berth runs on), unless the mount says
 * ReadOnlyNonRecursive (or came from an older client) or propagates (Docker's rule: rro only
 * with rprivate; ReadOnlyForceRecursive was refused otherwise at create).
 */
function bindMount(mp: MountPoint, source: string): Mount {
  const propagation = mp.Propagation || 'rprivate';
  const options = ['rbind', propagation];
  if (!mp.RW) options.push('ro');
  if (!mp.RW && !mp.ReadOnlyNonRecursive && propagation === 'rprivate') options.push('rro');
  return { destination: mp.Destination, type: 'bind', source, options };
}

function tmpfsMount(destination: string, extra: string[], rw: boolean): Mount {
  const options = mergeTmpfsOptions([...TMPFS_DEFAULTS, ...extra]);
  if (!rw && !options.includes('ro')) options.push('ro');
  return { destination, type: 'tmpfs', source: 'tmpfs', options };
}

const depth = (p: string): number => p.split('/').filter(Boolean).length;

/**
 * The user's mounts: volumes and binds (bind mounts of host paths), `--mount type=tmpfs` and
 * `--tmpfs`. A user mount replaces a default one at the same destination (`-v x:/dev/shm`), and
 * user mounts go parents first, as Docker sorts them. Shared or slave bind propagation needs the
 * rootfs to propagate too (Docker sets rootfsPropagation the same way). Appends to spec.mounts.
 */
export const withUserMounts: SpecOption = (spec, ctx) => {
  const rec = ctx.record;
  const user: Mount[] = (rec.MountPoints ?? []).map((mp, i) =>
    mp.Type === 'tmpfs' ? tmpfsMount(mp.Destination, mp.TmpfsOptions ?? [], mp.RW) : bindMount(mp, hostSource(rec, mp, i)),
  );
  for (const [dest, data] of Object.entries(rec.HostConfig.Tmpfs ?? {})) user.push(tmpfsMount(dest, data ? data.split(',') : [], true));
  if (user.length === 0) return;
  const taken = new Set(user.map((m) => m.destination));
  spec.mounts = (spec.mounts ?? []).filter((m) => !taken.has(m.destination));
  spec.mounts.push(...user.sort((a, b) => depth(a.destination) - depth(b.destination)));
  const props = (rec.MountPoints ?? []).filter((m) => m.Type === 'bind').map((m) => m.Propagation);
  if (props.some((p) => p === 'shared' || p === 'rshared')) (spec.linux ??= {}).rootfsPropagation = 'rshared';
  else if (props.some((p) => p === 'slave' || p === 'rslave')) (spec.linux ??= {}).rootfsPropagation = 'rslave';
};
