import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { invalidArgument, isErrno } from '../core/errdefs.js';
import type { RegistryConfig } from '../registry/config.js';
import { logSettings, type LogConfig } from '../services/logs/options.js';

export interface DaemonConfig {
  /** Listen addresses: `unix:///run/berth.sock` (tcp:// arrives with TLS support). */
  hosts: string[];
  dataRoot: string;
  execRoot: string;
  runtime: string;
  conmon: string;
  storageDriver?: 'overlayfs' | 'vfs';
  debug: boolean;
  /** The default `bridge` network and the pools user networks draw from. */
  network: { bridge: string; bip: string; pools: Array<{ base: string; size: number }> };
  registry: RegistryConfig;
  /** The default log driver and its options for containers that name none. */
  logConfig: LogConfig;
}

const DEFAULTS: Omit<DaemonConfig, 'registry' | 'logConfig'> = {
  hosts: ['unix:///run/berth.sock'],
  dataRoot: '/var/lib/berth',
  execRoot: '/run/berth',
  runtime: '/usr/sbin/runc',
  conmon: '/usr/bin/conmon',
  debug: false,
  network: { bridge: 'berth0', bip: '10.99.0.1/16', pools: [{ base: '10.100.0.0/16', size: 24 }] },
};

/** daemon.json keys berth understands (Docker's names). */
interface DaemonJson {
  hosts?: string[];
  'data-root'?: string;
  'exec-root'?: string;
  'storage-driver'?: string;
  debug?: boolean;
  runtimes?: Record<string, { path: string }>;
  'default-runtime'?: string;
  bridge?: string;
  bip?: string;
  'default-address-pools'?: Array<{ base: string; size: number }>;
  'insecure-registries'?: string[];
  'registry-mirrors'?: string[];
  /** berth's own keys: certs.d location, registry request idle timeout (s), push chunk size (bytes). */
  'registry-certs-dir'?: string;
  'registry-timeout'?: number;
  'registry-chunk-size'?: number;
  'log-driver'?: string;
  'log-opts'?: Record<string, string>;
}

export const USAGE = `Usage: berthd [OPTIONS]

A Docker-compatible container engine

Options:
  -H, --host list           Daemon socket(s) to connect to (default unix:///run/berth.sock)
      --data-root string    Root directory of persistent state (default "/var/lib/berth")
      --exec-root string    Root directory for execution state files (default "/run/berth")
      --config-file string  Daemon configuration file (default "/etc/berth/daemon.json")
  -s, --storage-driver string  Storage driver to use (overlayfs or vfs; default: overlayfs when the kernel supports it)
      --runtime string      Path to the OCI runtime (default "/usr/sbin/runc")
      --insecure-registry list  Enable insecure registry communication
      --registry-mirror list    Preferred registry mirror
  -b, --bridge string       Attach containers to a network bridge (default "berth0")
      --bip string          Specify network bridge IP (default "10.99.0.1/16")
      --default-address-pool mapOfStringInt  Default address pools for node specific local networks
  -D, --debug               Enable debug mode
  -h, --help                Print usage
`;

/** Flags override daemon.json, which overrides the defaults (Docker's precedence). */
export async function loadConfig(argv: string[]): Promise<DaemonConfig | 'help'> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', short: 'H', multiple: true },
      'data-root': { type: 'string' },
      'exec-root': { type: 'string' },
      'config-file': { type: 'string' },
      'storage-driver': { type: 'string', short: 's' },
      runtime: { type: 'string' },
      debug: { type: 'boolean', short: 'D' },
      bridge: { type: 'string', short: 'b' },
      bip: { type: 'string' },
      'default-address-pool': { type: 'string', multiple: true },
      'insecure-registry': { type: 'string', multiple: true },
      'registry-mirror': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const file = values['config-file'] ?? '/etc/berth/daemon.json';
  let json: DaemonJson = {};
  try {
    json = JSON.parse(await readFile(file, 'utf8')) as DaemonJson;
  } catch (err) {
    if (!isErrno(err, 'ENOENT') || values['config-file'] !== undefined) {
      throw invalidArgument(`unable to configure the daemon with file ${file}: ${(err as Error).message}`);
    }
  }
  const driver = values['storage-driver'] ?? json['storage-driver'];
  if (driver !== undefined && driver !== 'overlayfs' && driver !== 'overlay2' && driver !== 'vfs') {
    throw invalidArgument(`unsupported storage driver: ${driver}`);
  }
  const logConfig: LogConfig = { Type: json['log-driver'] ?? 'json-file', Config: json['log-opts'] ?? {} };
  logSettings(logConfig); // a bad default refuses to start, with Docker's message
  const defaultRuntime = json['default-runtime'] ? json.runtimes?.[json['default-runtime']]?.path : undefined;
  return {
    hosts: values.host ?? json.hosts ?? DEFAULTS.hosts,
    dataRoot: values['data-root'] ?? json['data-root'] ?? DEFAULTS.dataRoot,
    execRoot: values['exec-root'] ?? json['exec-root'] ?? DEFAULTS.execRoot,
    runtime: values.runtime ?? defaultRuntime ?? DEFAULTS.runtime,
    conmon: DEFAULTS.conmon,
    storageDriver: driver === undefined ? undefined : driver === 'vfs' ? 'vfs' : 'overlayfs',
    debug: values.debug ?? json.debug ?? false,
    network: {
      bridge: values.bridge ?? json.bridge ?? DEFAULTS.network.bridge,
      bip: values.bip ?? json.bip ?? DEFAULTS.network.bip,
      pools: values['default-address-pool']?.map(parsePool) ?? json['default-address-pools'] ?? DEFAULTS.network.pools,
    },
    logConfig,
    registry: {
      insecure: values['insecure-registry'] ?? json['insecure-registries'] ?? [],
      mirrors: values['registry-mirror'] ?? json['registry-mirrors'] ?? [],
      certsDir: json['registry-certs-dir'] ?? '/etc/berth/certs.d',
      timeoutMs: (json['registry-timeout'] ?? 30) * 1000,
      chunkSize: json['registry-chunk-size'] ?? 16 << 20,
    },
  };
}

/** `--default-address-pool base=10.10.0.0/16,size=24` (Docker's flag syntax). */
function parsePool(s: string): { base: string; size: number } {
  const kv = Object.fromEntries(s.split(',').map((p) => p.split('=', 2) as [string, string]));
  const size = Number(kv.size);
  if (!kv.base || !Number.isInteger(size) || size < 1 || size > 32) throw invalidArgument(`invalid default address pool: ${s}`);
  return { base: kv.base, size };
}
