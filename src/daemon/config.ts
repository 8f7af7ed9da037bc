import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { invalidArgument } from '../lib/errdefs.js';
import type { RegistryConfig } from '../registry/config.js';
import { DEFAULT_CONFIG_FILE, readConfigFile } from './config-file.js';
import { goFormat, takeBoolFlags, type RuntimeEntry } from './config-kinds.js';
import { apiAccess, type ApiAccess } from './api-access.js';
import { logSettings } from '../services/logs/options.js';
import { defaultSettings, flagName, OPTIONS, type ConfigOption, type OptionKey, type Settings } from './config-options.js';

export type { Settings } from './config-options.js';

export interface DaemonConfig {
  /** Every option by its daemon.json key (flags, file and defaults merged). */
  settings: Settings;
  configFile: string;
  hosts: string[];
  access: ApiAccess;
  dataRoot: string;
  execRoot: string;
  pidFile: string;
  /** Path of the default runtime's binary (what conmon runs). */
  runtime: string;
  runtimes: Record<string, RuntimeEntry>;
  conmon: string;
  storageDriver?: 'overlayfs' | 'vfs';
  debug: boolean;
  /** The default `bridge` network and the pools user networks draw from. */
  network: { bridge: string; bip: string; ipv6: boolean; fixedCidrV6: string; pools: Array<{ base: string; size: number }> };
  registry: RegistryConfig;
}

/** What the command line said: option values by key, and berthd's own switches. */
export interface Flags {
  values: Partial<Settings>;
  /** The flags as typed, by key, for Docker's conflict message. */
  raw: Partial<Record<OptionKey, unknown>>;
  configFile?: string;
  help: boolean;
  version: boolean;
  validate: boolean;
}

const KEYS = Object.keys(OPTIONS) as OptionKey[];
const opt = (key: OptionKey): ConfigOption<unknown> => OPTIONS[key];

export function usage(): string {
  const rows: Array<[string, string]> = [
    ['    --config-file string', `Daemon configuration file (default "${DEFAULT_CONFIG_FILE}")`],
    ['    --validate', 'Validate the configuration and exit'],
  ];
  for (const key of KEYS) {
    const flag = flagName(key);
    if (flag === null) continue;
    const o = opt(key);
    const short = o.short ? `-${o.short}, ` : '    ';
    const type = o.kind.flag === 'boolean' ? '' : o.kind.multiple ? ' list' : ` ${o.kind.goType}`;
    const empty = o.default === '' || (typeof o.default === 'object' && o.default !== null && Object.keys(o.default).length === 0);
    const shown = typeof o.default === 'string' ? `"${o.default}"` : goFormat(o.default);
    const def = o.kind.flag === 'boolean' || empty ? '' : ` (default ${shown})`;
    rows.push([`${short}--${flag}${type}`, `${o.help}${def}`]);
  }
  rows.push(['-h, --help', 'Print usage'], ['-v, --version', 'Print version information and quit']);
  rows.sort((a, b) => a[0].replace(/^(-\w, |\s+)/, '').localeCompare(b[0].replace(/^(-\w, |\s+)/, '')));
  const width = Math.max(...rows.map((r) => r[0].length)) + 2;
  return `Usage: berthd [OPTIONS]\n\nA Docker-compatible container engine\n\nOptions:\n${rows.map(([f, h]) => `  ${f.padEnd(width)}${h}`.trimEnd()).join('\n')}\n`;
}

/** Reads the command line; an unknown flag is refused as dockerd refuses it. */
export function parseFlags(argv: string[]): Flags {
  const options: NonNullable<Parameters<typeof parseArgs>[0]>['options'] = {
    'config-file': { type: 'string' },
    validate: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'v' },
  };
  for (const key of KEYS) {
    const flag = flagName(key);
    if (flag === null) continue;
    const o = opt(key);
    options[flag] = { type: o.kind.flag, ...(o.kind.multiple ? { multiple: true } : {}), ...(o.short ? { short: o.short } : {}) };
  }
  let parsed: Record<string, string | boolean | Array<string | boolean> | undefined>;
  try {
    const boolFlags = new Set(
      Object.entries(options)
        .filter(([, o]) => o.type === 'boolean')
        .map(([name]) => name),
    );
    const { rest, bools } = takeBoolFlags(argv, boolFlags);
    parsed = { ...parseArgs({ args: rest, options, strict: true, allowPositionals: false }).values, ...bools };
  } catch (err) {
    throw invalidArgument((err as Error).message.replace(/^Unknown option '([^']+)'.*$/s, 'unknown flag: $1'));
  }
  const values: Record<string, unknown> = {};
  const raw: Record<string, unknown> = {};
  for (const key of KEYS) {
    const flag = flagName(key);
    const v = flag === null ? undefined : parsed[flag];
    if (v === undefined) continue;
    raw[key] = v;
    try {
      values[key] = opt(key).kind.fromFlag(v as string | boolean | string[]);
    } catch (err) {
      throw invalidArgument(`invalid argument for --${flag}: ${(err as Error).message}`);
    }
  }
  return {
    values: values as Partial<Settings>,
    raw: raw as Flags['raw'],
    configFile: parsed['config-file'] as string | undefined,
    help: parsed.help === true,
    version: parsed.version === true,
    validate: parsed.validate === true,
  };
}

/**
 * Docker's checks of daemon.json against the flags: keys that match no option, then keys given
 * both ways. Either refuses the whole configuration.
 */
function checkFileKeys(file: Record<string, unknown>, flags: Flags): void {
  const unknown = Object.keys(file).filter((key) => !(key in OPTIONS));
  if (unknown.length > 0) throw new Error(`the following directives don't match any configuration option: ${unknown.join(', ')}`);
  const conflicts = KEYS.filter((key) => key in file && flags.raw[key] !== undefined).map(
    (key) => `${key}: (from flag: ${goFormat(flags.raw[key])}, from file: ${goFormat(file[key])})`,
  );
  if (conflicts.length > 0) throw new Error(`the following directives are specified both as a flag and in the configuration file: ${conflicts.join(', ')}`);
}

/** Defaults ← daemon.json ← flags, each value checked; throws InvalidArgument naming the file. */
export async function readSettings(flags: Flags): Promise<{ settings: Settings; configFile: string }> {
  const configFile = flags.configFile ?? DEFAULT_CONFIG_FILE;
  const settings = defaultSettings() as Record<OptionKey, unknown>;
  try {
    const file = (await readConfigFile(configFile, flags.configFile !== undefined)) ?? {};
    checkFileKeys(file, flags);
    for (const [key, value] of Object.entries(file)) settings[key as OptionKey] = opt(key as OptionKey).kind.fromJson(value, key);
  } catch (err) {
    throw invalidArgument(`unable to configure the Docker daemon with file ${configFile}: ${(err as Error).message}`);
  }
  Object.assign(settings, flags.values);
  for (const key of KEYS) {
    const problem = opt(key).validate?.(settings[key]);
    if (problem !== undefined) throw invalidArgument(problem);
  }
  const s = settings as Settings;
  logSettings({ Type: s['log-driver'], Config: s['log-opts'] }); // log-opts the default driver cannot take: Docker's message
  const runtimes = allRuntimes(s);
  if (!(s['default-runtime'] in runtimes)) throw invalidArgument(`default runtime ${s['default-runtime']} does not exist`);
  return { settings: s, configFile };
}

function allRuntimes(s: Settings): Record<string, RuntimeEntry> {
  return { runc: { path: s.runtime }, ...s.runtimes };
}

export function toDaemonConfig(settings: Settings, configFile: string): DaemonConfig {
  const s = settings;
  const runtimes = allRuntimes(s);
  const driver = s['storage-driver'];
  return {
    settings: s,
    configFile,
    hosts: s.hosts,
    access: apiAccess(s),
    dataRoot: s['data-root'],
    execRoot: s['exec-root'],
    pidFile: s.pidfile || join(s['exec-root'], 'berthd.pid'),
    runtime: runtimes[s['default-runtime']]!.path,
    runtimes,
    conmon: '/usr/bin/conmon',
    storageDriver: driver === '' ? undefined : driver === 'vfs' ? 'vfs' : 'overlayfs',
    debug: s.debug || s['log-level'] === 'debug',
    network: { bridge: s.bridge, bip: s.bip, ipv6: s.ipv6, fixedCidrV6: s['fixed-cidr-v6'], pools: s['default-address-pools'] },
    registry: {
      insecure: s['insecure-registries'],
      mirrors: s['registry-mirrors'],
      certsDir: s['registry-certs-dir'],
      timeoutMs: s['registry-timeout'] * 1000,
      chunkSize: s['registry-chunk-size'],
    },
  };
}

/** Flags override daemon.json, which overrides the defaults (Docker's precedence). */
export async function loadConfig(flags: Flags): Promise<DaemonConfig> {
  const { settings, configFile } = await readSettings(flags);
  return toDaemonConfig(settings, configFile);
}

/** The reloadable keys whose value differs between two settings. */
export function reloadableChanges(before: Settings, after: Settings): OptionKey[] {
  return KEYS.filter((key) => opt(key).reloadable && JSON.stringify(before[key]) !== JSON.stringify(after[key]));
}

/** Keys that changed but need a restart (SIGHUP leaves them as they are). */
export function fixedChanges(before: Settings, after: Settings): OptionKey[] {
  return KEYS.filter((key) => !opt(key).reloadable && JSON.stringify(before[key]) !== JSON.stringify(after[key]));
}
