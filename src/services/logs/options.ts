import { invalidArgument } from '../../lib/errdefs.js';
import { ramInBytes } from '../../lib/go/units.js';
import { checkTag } from './attrs.js';

/** HostConfig.LogConfig as Docker's API carries it. */
export interface LogConfig {
  Type: string;
  Config?: Record<string, string>;
}

/** How a container's output is kept on disk, resolved from its LogConfig. */
export interface LogSettings {
  driver: 'json-file' | 'local' | 'none' | 'journald';
  /** Rotate when the current file has reached this many bytes (undefined: never). */
  maxSize?: number;
  /** Files kept, the current one included (1: the current file is truncated instead). */
  maxFile: number;
  compress: boolean;
}

interface DriverSpec {
  opts: string[];
  defaults: Record<string, string>;
}

const ATTR_OPTS = ['labels', 'labels-regex', 'env', 'env-regex', 'tag'];

/** The drivers berth has, with the log-opts each accepts (Docker's lists) and its defaults. */
const DRIVERS: Record<LogSettings['driver'], DriverSpec> = {
  'json-file': { opts: ['max-file', 'max-size', 'compress', ...ATTR_OPTS], defaults: {} },
  local: { opts: ['max-file', 'max-size', 'compress'], defaults: { 'max-size': '20m', 'max-file': '5', compress: 'true' } },
  none: { opts: [], defaults: {} },
  journald: { opts: ATTR_OPTS, defaults: {} },
};

/** Options every driver accepts (Docker's logging mode options; berth always logs blocking-free). */
const BUILT_IN_OPTS = new Set(['mode', 'max-buffer-size']);

/** The drivers' names, for `info` (Plugins.Log) and daemon.json's check. */
export const LOG_DRIVERS = Object.keys(DRIVERS);

export const isLogDriver = (name: string): name is LogSettings['driver'] => Object.hasOwn(DRIVERS, name);

/**
 * A container's LogConfig with the daemon's default filled in, as Docker does it: no type → the
 * daemon's; the daemon's log-opts apply when the container uses the daemon's driver and did not
 * set that option. Throws Docker's errors for an unknown driver, an option the driver does not
 * take, or a value it cannot use (a tag template that fails) — all before anything is created.
 */
export function resolveLogConfig(given: LogConfig | undefined, daemon: LogConfig): LogConfig {
  const type = given?.Type || daemon.Type;
  const config: Record<string, string> = { ...(given?.Config ?? {}) };
  if (type === daemon.Type) for (const [k, v] of Object.entries(daemon.Config ?? {})) if (!(k in config)) config[k] = v;
  const resolved = { Type: type, Config: config };
  logSettings(resolved);
  if (config.tag && type !== 'none') checkTag(config.tag);
  return resolved;
}

/** Validates a LogConfig and turns it into settings (daemon.json's log-driver/log-opts too). */
export function logSettings(cfg: LogConfig): LogSettings {
  const type = cfg.Type || 'json-file';
  if (!isLogDriver(type)) throw invalidArgument(`logger: no log driver named '${type}' is registered`);
  const spec = DRIVERS[type];
  const given = cfg.Config ?? {};
  const mode = given.mode;
  if (mode !== undefined && mode !== '' && mode !== 'blocking' && mode !== 'non-blocking') throw invalidArgument(`logger: logging mode not supported: ${mode}`);
  if (type !== 'none') {
    for (const key of Object.keys(given)) {
      if (!BUILT_IN_OPTS.has(key) && !spec.opts.includes(key)) throw invalidArgument(`unknown log opt '${key}' for ${type} log driver`);
    }
  }
  const opts = { ...spec.defaults, ...given };
  const maxSize = opts['max-size'] === undefined || opts['max-size'] === '-1' ? undefined : ramInBytes(opts['max-size']);
  if (opts['max-size'] !== undefined && opts['max-size'] !== '-1' && maxSize === undefined) throw invalidArgument(`invalid size: '${opts['max-size']}'`);
  let maxFile = 1;
  if (opts['max-file'] !== undefined) {
    if (!/^-?\d+$/.test(opts['max-file'])) throw invalidArgument(`strconv.Atoi: parsing "${opts['max-file']}": invalid syntax`);
    maxFile = Number(opts['max-file']);
    if (maxFile < 1) throw invalidArgument('max-file cannot be less than 1');
  }
  let compress = false;
  if (opts.compress !== undefined) {
    const b = parseGoBool(opts.compress);
    if (b === undefined) throw invalidArgument(`strconv.ParseBool: parsing "${opts.compress}": invalid syntax`);
    compress = b;
    if (compress && type === 'json-file' && (maxFile === 1 || maxSize === undefined)) {
      throw invalidArgument('compress cannot be true when max-file is less than 2 or max-size is not set');
    }
  }
  for (const key of ['labels-regex', 'env-regex']) {
    if (opts[key] === undefined) continue;
    try {
      new RegExp(opts[key]);
    } catch {
      throw invalidArgument(`error parsing regexp: ${opts[key]}`);
    }
  }
  return { driver: type, maxSize: maxSize === undefined || maxSize <= 0 ? undefined : maxSize, maxFile, compress };
}

function parseGoBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  return undefined;
}
