import { posix } from 'node:path';
import type { MountSpec } from '../../../core/containers.js';
import { invalidArgument } from '../../../lib/errdefs.js';
import type { MountPoint } from '../../../core/volumes.js';

/**
 * Docker's Linux mount parser (volume/mounts/linux_parser.go): `-v` strings (HostConfig.Binds)
 * and `--mount` specs (HostConfig.Mounts) → MountPoints, before volumes are created. Pure.
 */
export const PROPAGATIONS = ['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate'];
const DEFAULT_PROPAGATION = 'rprivate';

/** Whether `mode` is a valid `-v` mode list: at most one each of rw|ro, z|Z, a propagation, nocopy. */
export function validMode(mode: string): boolean {
  if (mode === '') return true;
  const seen = { rw: 0, label: 0, prop: 0, copy: 0 };
  for (const o of mode.split(',')) {
    if (o === 'rw' || o === 'ro') seen.rw++;
    else if (o === 'z' || o === 'Z') seen.label++;
    else if (PROPAGATIONS.includes(o)) seen.prop++;
    else if (o === 'nocopy') seen.copy++;
    else return false;
  }
  return Object.values(seen).every((n) => n <= 1);
}

const specError = (raw: string): Error => invalidArgument(`invalid volume specification: '${raw}'`);

function mountConfigError(type: string, msg: string): Error {
  return invalidArgument(`invalid mount config for type "${type}": ${msg}`);
}

/** Go's path.Clean for absolute paths: no `.`/`..`, no doubled or trailing slash. */
export function cleanPath(p: string): string {
  const c = posix.normalize(p);
  return c.length > 1 ? c.replace(/\/$/, '') : c;
}

function checkTarget(type: string, target: string | undefined): string {
  if (!target) throw mountConfigError(type, 'field Target must not be empty');
  if (!target.startsWith('/')) throw mountConfigError(type, `invalid mount path: '${target}' mount path must be absolute`);
  const clean = cleanPath(target);
  if (clean === '/') throw invalidArgument("invalid specification: destination can't be '/'");
  return clean;
}

/** `-v [src:]dst[:mode]`: an absolute source is a bind, a name a volume, none an anonymous volume. */
export function parseBind(raw: string): MountPoint {
  const arr = raw.split(':');
  if (arr.length > 3 || arr.some((p, i) => p === '' && i < arr.length)) throw specError(raw);
  let source = '';
  let target: string;
  let mode = '';
  if (arr.length === 1) target = arr[0]!;
  else if (arr.length === 2) {
    if (validMode(arr[1]!) && !arr[1]!.startsWith('/')) throw specError(raw);
    [source, target] = [arr[0]!, arr[1]!];
  } else [source, target, mode] = [arr[0]!, arr[1]!, arr[2]!];
  if (!validMode(mode)) throw invalidArgument(`invalid mode: ${mode}`);
  const opts = mode === '' ? [] : mode.split(',');
  const type = source.startsWith('/') ? 'bind' : 'volume';
  const propagation = opts.find((o) => PROPAGATIONS.includes(o));
  if (type === 'volume' && propagation) throw mountConfigError('volume', 'field BindOptions must not be specified');
  let destination: string;
  try {
    destination = checkTarget(type, target);
  } catch (err) {
    throw invalidArgument(`${specError(raw).message}: ${(err as Error).message}`);
  }
  const mp: MountPoint = { Type: type, Source: '', Destination: destination, Mode: mode, RW: !opts.includes('ro'), Propagation: '' };
  if (type === 'bind') {
    mp.Source = cleanPath(source);
    mp.Propagation = propagation ?? DEFAULT_PROPAGATION;
    mp.CreateSource = true;
  } else {
    mp.Name = source;
    mp.CopyData = !opts.includes('nocopy');
    if (source === '') mp.Anonymous = true;
  }
  return mp;
}

/** mount.Mount's fields (API 1.41 and later ones a newer client may send): anything else is a 400. */
const MOUNT_KEYS = new Set([
  'Type',
  'Source',
  'Target',
  'ReadOnly',
  'Consistency',
  'BindOptions',
  'VolumeOptions',
  'TmpfsOptions',
  'ImageOptions',
  'ClusterOptions',
]);

/** Options a mount type does not take (Docker's errExtraField), by type. */
const FOREIGN_OPTIONS: Record<string, Array<keyof MountSpec>> = {
  bind: ['VolumeOptions', 'TmpfsOptions', 'ImageOptions'],
  volume: ['BindOptions', 'TmpfsOptions', 'ImageOptions'],
  tmpfs: ['BindOptions', 'VolumeOptions', 'ImageOptions'],
  image: ['BindOptions', 'VolumeOptions', 'TmpfsOptions'],
};

/** Go's filepath.IsLocal for a subpath: relative, and not reaching out of its root with `..`. */
function isLocal(p: string): boolean {
  const c = posix.normalize(p);
  return p !== '' && !p.startsWith('/') && c !== '..' && !c.startsWith('../');
}

/** `--mount` (HostConfig.Mounts item), validated as Docker's parseMountSpec does. */
export function parseMountSpec(m: MountSpec): MountPoint {
  for (const key of Object.keys(m)) if (!MOUNT_KEYS.has(key)) throw invalidArgument(`invalid mount config: unknown field "${key}"`);
  const type = m.Type ?? '';
  const target = checkTarget(type || 'unknown', m.Target);
  const rw = m.ReadOnly !== true;
  for (const field of FOREIGN_OPTIONS[type] ?? []) if (m[field]) throw mountConfigError(type, `field ${field} must not be specified`);
  switch (type) {
    case 'bind': {
      if (!m.Source) throw mountConfigError(type, 'field Source must not be empty');
      if (!m.Source.startsWith('/')) throw mountConfigError(type, `invalid mount path: '${m.Source}' mount path must be absolute`);
      const bo = m.BindOptions ?? {};
      const propagation = bo.Propagation || DEFAULT_PROPAGATION;
      if (!PROPAGATIONS.includes(propagation)) throw mountConfigError(type, `invalid propagation mode: ${propagation}`);
      if (bo.ReadOnlyNonRecursive && rw) throw mountConfigError(type, "option 'ReadOnlyNonRecursive' requires 'ReadOnly' to be set");
      if (bo.ReadOnlyForceRecursive) {
        if (rw) throw mountConfigError(type, "option 'ReadOnlyForceRecursive' requires 'ReadOnly' to be set");
        if (propagation !== 'rprivate') throw mountConfigError(type, "option 'ReadOnlyForceRecursive' requires 'BindOptions.Propagation' to be 'rprivate'");
      }
      return {
        Type: 'bind',
        Source: cleanPath(m.Source),
        Destination: target,
        Mode: '',
        RW: rw,
        Propagation: propagation,
        ...(bo.CreateMountpoint ? { CreateSource: true } : {}),
        ...(bo.ReadOnlyNonRecursive ? { ReadOnlyNonRecursive: true } : {}),
        ...(bo.ReadOnlyForceRecursive ? { ReadOnlyForceRecursive: true } : {}),
      };
    }
    case 'volume': {
      const mp: MountPoint = { Type: 'volume', Name: m.Source ?? '', Source: '', Destination: target, Mode: '', RW: rw, Propagation: '' };
      mp.CopyData = m.VolumeOptions?.NoCopy !== true;
      if (!m.Source) mp.Anonymous = true;
      const sub = m.VolumeOptions?.Subpath ?? '';
      if (sub !== '') {
        if (!m.Source) throw mountConfigError(type, 'must not set Subpath when using anonymous volumes');
        if (!isLocal(sub)) throw mountConfigError(type, 'subpath must be a relative path within the volume');
        mp.Subpath = posix.normalize(sub);
        mp.CopyData = false; // the image's content belongs at the volume's root, not in a subdirectory
      }
      return mp;
    }
    case 'image': {
      if (!m.Source) throw mountConfigError(type, 'field Source must not be empty');
      const sub = m.ImageOptions?.Subpath ?? '';
      if (sub !== '' && !isLocal(sub)) throw mountConfigError(type, 'subpath must be a relative path within the image');
      // An image's filesystem is shared by every container mounting it: always read-only.
      return {
        Type: 'image',
        Source: m.Source,
        Destination: target,
        Mode: '',
        RW: false,
        Propagation: DEFAULT_PROPAGATION,
        ...(sub ? { Subpath: posix.normalize(sub) } : {}),
      };
    }
    case 'tmpfs': {
      if (m.Source) throw mountConfigError(type, 'field Source must not be specified');
      const opts: string[] = [];
      const t = m.TmpfsOptions;
      if (t?.SizeBytes !== undefined && t.SizeBytes < 0) throw mountConfigError(type, 'invalid tmpfs size');
      if (t?.SizeBytes) opts.push(`size=${t.SizeBytes}`);
      if (t?.Mode) opts.push(`mode=${t.Mode.toString(8)}`);
      return { Type: 'tmpfs', Source: '', Destination: target, Mode: '', RW: rw, Propagation: '', TmpfsOptions: opts };
    }
    default:
      throw mountConfigError(type, 'mount type unknown');
  }
}

/** `--volumes-from container[:ro|rw]`. */
export function parseVolumesFrom(spec: string): { container: string; rw: boolean } {
  const [container, mode, extra] = spec.split(':');
  if (!container || extra !== undefined || (mode !== undefined && mode !== 'ro' && mode !== 'rw')) {
    throw invalidArgument(`invalid mode for volumes-from: ${spec}`);
  }
  return { container, rw: mode !== 'ro' };
}
