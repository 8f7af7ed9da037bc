import { invalidArgument } from '../../lib/errdefs.js';

/** Docker's local volume names: at least two characters of [a-zA-Z0-9][a-zA-Z0-9_.-]. */
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const OPTION_KEYS = new Set(['type', 'device', 'o', 'size']);

export function validateVolumeName(name: string): void {
  if (!NAME_RE.test(name)) {
    throw invalidArgument(
      `create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
    );
  }
}

/** How the local driver makes a volume's data available: `mount -t type -o o device _data`. */
export interface DeviceMount {
  type: string;
  device: string;
  options: string;
}

/**
 * The local driver's options (`-o type=tmpfs -o device=tmpfs -o o=size=64m`, or
 * `type=none,device=/path,o=bind`): undefined for a plain directory; InvalidArgument as Docker's.
 */
export function deviceMountOf(opts: Record<string, string> | null | undefined): DeviceMount | undefined {
  const o = opts ?? {};
  for (const key of Object.keys(o)) if (!OPTION_KEYS.has(key)) throw invalidArgument(`invalid option: "${key}"`);
  if (o.size !== undefined && o.type !== 'tmpfs') throw invalidArgument('size is only supported for tmpfs volumes');
  if (o.type === undefined && o.device === undefined) {
    if (o.o !== undefined) throw invalidArgument('missing required option: "type"');
    return undefined;
  }
  if (!o.type) throw invalidArgument('missing required option: "type"');
  if (!o.device) throw invalidArgument('missing required option: "device"');
  const options = [o.o, o.size === undefined ? undefined : `size=${o.size}`].filter((x): x is string => !!x).join(',');
  return { type: o.type, device: o.device, options };
}
