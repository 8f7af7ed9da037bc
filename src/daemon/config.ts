import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { invalidArgument, isErrno } from '../core/errdefs.js';

export interface DaemonConfig {
  /** Listen addresses: `unix:///run/berth.sock` (tcp:// arrives with TLS support). */
  hosts: string[];
  dataRoot: string;
  execRoot: string;
  runtime: string;
  conmon: string;
  storageDriver?: 'overlayfs' | 'vfs';
  debug: boolean;
}

const DEFAULTS: DaemonConfig = {
  hosts: ['unix:///run/berth.sock'],
  dataRoot: '/var/lib/berth',
  execRoot: '/run/berth',
  runtime: '/usr/sbin/runc',
  conmon: '/usr/bin/conmon',
  debug: false,
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
  const defaultRuntime = json['default-runtime'] ? json.runtimes?.[json['default-runtime']]?.path : undefined;
  return {
    hosts: values.host ?? json.hosts ?? DEFAULTS.hosts,
    dataRoot: values['data-root'] ?? json['data-root'] ?? DEFAULTS.dataRoot,
    execRoot: values['exec-root'] ?? json['exec-root'] ?? DEFAULTS.execRoot,
    runtime: values.runtime ?? defaultRuntime ?? DEFAULTS.runtime,
    conmon: DEFAULTS.conmon,
    storageDriver: driver === undefined ? undefined : driver === 'vfs' ? 'vfs' : 'overlayfs',
    debug: values.debug ?? json.debug ?? false,
  };
}
