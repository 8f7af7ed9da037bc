import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { ContainerConfig, HostConfig, MountSpec } from '../../../api/types/containers.js';
import { collect } from '../../flags/options.js';
import { parseBytes } from './resource-flags.js';

/** `-v`, `--mount`, `--tmpfs`, `--volumes-from` (`--read-only` lives with the other create flags). */
export function addMountFlags(cmd: Command): Command {
  return cmd
    .option('-v, --volume <list>', 'Bind mount a volume', collect)
    .option('--mount <mount>', 'Attach a filesystem mount to the container', collect)
    .option('--tmpfs <list>', 'Mount a tmpfs directory', collect)
    .option('--volumes-from <list>', 'Mount volumes from the specified container(s)', collect);
}

export interface MountFlags {
  volume?: string[];
  mount?: string[];
  tmpfs?: string[];
  volumesFrom?: string[];
}

/**
 * `-v` as the docker CLI splits it: with a source it is a bind string for the daemon
 * (`./rel` made absolute), without one an anonymous volume in Config.Volumes.
 */
export function splitVolumeFlag(spec: string): { bind?: string; volume?: string } {
  if (spec === '') throw new InvalidArgumentError('invalid empty volume spec');
  const parts = spec.split(':');
  if (parts.length > 3) throw new InvalidArgumentError(`invalid spec: ${spec}: too many colons`);
  if (parts.length === 1) return { volume: spec };
  const [host, ...rest] = parts;
  const source = host!.startsWith('.') ? resolve(host!) : host!;
  return { bind: [source, ...rest].join(':') };
}

/** Go's encoding/csv for one record: commas separate, double quotes group ("" is a quote). */
export function csvFields(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur === '') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function parseBool(key: string, v: string | undefined): boolean {
  if (v === undefined || ['1', 'true', 'True', 'TRUE'].includes(v)) return true;
  if (['0', 'false', 'False', 'FALSE'].includes(v)) return false;
  throw new InvalidArgumentError(`invalid value for ${key}: ${v}`);
}

/** `--mount type=…,source=…,target=…,…` → a HostConfig.Mounts item, with the docker CLI's checks. */
export function parseMountFlag(value: string): MountSpec {
  const m: MountSpec = { Type: 'volume' };
  const volumeOptions = (): NonNullable<MountSpec['VolumeOptions']> => (m.VolumeOptions ??= {});
  for (const field of csvFields(value)) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    const val = eq < 0 ? undefined : field.slice(eq + 1);
    const need = (): string => {
      if (val === undefined) throw new InvalidArgumentError(`invalid field '${field}' must be a key=value pair`);
      return val;
    };
    switch (key) {
      case 'type':
        m.Type = need();
        break;
      case 'source':
      case 'src':
        m.Source = need();
        break;
      case 'target':
      case 'dst':
      case 'destination':
        m.Target = need();
        break;
      case 'readonly':
      case 'ro':
        m.ReadOnly = parseBool(key, val);
        break;
      case 'consistency':
        m.Consistency = need();
        break;
      case 'bind-propagation':
        m.BindOptions = { ...m.BindOptions, Propagation: need() };
        break;
      case 'bind-nonrecursive':
        m.BindOptions = { ...m.BindOptions, NonRecursive: parseBool(key, val) };
        break;
      case 'bind-recursive':
        m.BindOptions = { ...m.BindOptions, ...bindRecursive(need()) };
        break;
      case 'volume-subpath':
        volumeOptions().Subpath = need();
        break;
      case 'image-subpath':
        m.ImageOptions = { ...m.ImageOptions, Subpath: need() };
        break;
      case 'volume-nocopy':
        volumeOptions().NoCopy = parseBool(key, val);
        break;
      case 'volume-label': {
        const [k, ...v] = need().split('=');
        volumeOptions().Labels = { ...volumeOptions().Labels, [k!]: v.join('=') };
        break;
      }
      case 'volume-driver':
        volumeOptions().DriverConfig = { ...volumeOptions().DriverConfig, Name: need() };
        break;
      case 'volume-opt': {
        const [k, ...v] = need().split('=');
        const dc = (volumeOptions().DriverConfig ??= {});
        dc.Options = { ...dc.Options, [k!]: v.join('=') };
        break;
      }
      case 'tmpfs-size':
        m.TmpfsOptions = { ...m.TmpfsOptions, SizeBytes: parseBytes(need()) };
        break;
      case 'tmpfs-mode': {
        const mode = Number.parseInt(need(), 8);
        if (Number.isNaN(mode)) throw new InvalidArgumentError(`invalid value for ${key}: ${val}`);
        m.TmpfsOptions = { ...m.TmpfsOptions, Mode: mode };
        break;
      }
      default:
        throw new InvalidArgumentError(`unexpected key '${key}' in '${field}'`);
    }
  }
  if (!m.Target) throw new InvalidArgumentError('target is required');
  if (m.VolumeOptions && m.Type !== 'volume') throw new InvalidArgumentError(`cannot mix 'volume-*' options with mount type '${m.Type}'`);
  if (m.BindOptions && m.Type !== 'bind') throw new InvalidArgumentError(`cannot mix 'bind-*' options with mount type '${m.Type}'`);
  if (m.TmpfsOptions && m.Type !== 'tmpfs') throw new InvalidArgumentError(`cannot mix 'tmpfs-*' options with mount type '${m.Type}'`);
  if (m.ImageOptions && m.Type !== 'image') throw new InvalidArgumentError(`cannot mix 'image-*' options with mount type '${m.Type}'`);
  return m;
}

/** `bind-recursive=enabled|disabled|writable|readonly` (API 1.44), as the docker CLI maps it. */
function bindRecursive(v: string): NonNullable<MountSpec['BindOptions']> {
  switch (v) {
    case 'enabled':
      return {};
    case 'disabled':
      return { NonRecursive: true };
    case 'writable':
      return { ReadOnlyNonRecursive: true };
    case 'readonly':
      return { ReadOnlyForceRecursive: true };
    default:
      throw new InvalidArgumentError(`invalid value for bind-recursive: ${v}`);
  }
}

/** `--tmpfs /path[:options]` → HostConfig.Tmpfs. */
function tmpfsMap(list: string[]): Record<string, string> {
  return Object.fromEntries(
    list.map((t) => {
      const i = t.indexOf(':');
      return i < 0 ? [t, ''] : [t.slice(0, i), t.slice(i + 1)];
    }),
  );
}

/** The mount flags' share of the create request. */
export function mountRequest(flags: MountFlags): { volumes: ContainerConfig['Volumes']; host: Partial<HostConfig> } {
  const binds: string[] = [];
  const volumes: Record<string, object> = {};
  for (const v of flags.volume ?? []) {
    const s = splitVolumeFlag(v);
    if (s.bind !== undefined) binds.push(s.bind);
    else volumes[s.volume!] = {};
  }
  const mounts = (flags.mount ?? []).map(parseMountFlag);
  const host: Partial<HostConfig> = { Binds: binds.length ? binds : null, VolumesFrom: flags.volumesFrom ?? null };
  if (mounts.length) host.Mounts = mounts;
  if (flags.tmpfs?.length) host.Tmpfs = tmpfsMap(flags.tmpfs);
  return { volumes, host };
}
