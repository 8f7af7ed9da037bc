import { isIP } from 'node:net';
import { ULIMIT_NAMES } from '../services/containers/spec/process.js';
import * as k from './config-kinds.js';
import { isLogDriver } from '../services/logs/options.js';
import { bridgeNameError } from '../services/networks/bridge-name.js';

/**
 * One daemon option: its daemon.json key (Docker's name), its flag, how its value reads, its
 * default, whether SIGHUP reloads it, and an extra check. Adding a key is one entry in OPTIONS.
 */
export interface ConfigOption<T> {
  kind: k.Kind<T>;
  /** The flag's name when it is not the key (`--host` for `hosts`); `null`: daemon.json only. */
  flag?: string | null;
  short?: string;
  default: T;
  /** Applied on SIGHUP (Docker's reloadable set). */
  reloadable?: boolean;
  /** A message when the value is not acceptable. */
  validate?(v: T): string | undefined;
  /** The `--help` line (without the flag). */
  help: string;
}

const option = <T>(o: ConfigOption<T>): ConfigOption<T> => o;

export { LOG_DRIVERS } from '../services/logs/options.js';
const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'fatal'];
const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;
const CIDR6 = /^[0-9a-fA-F:]+:[0-9a-fA-F:]*\/\d{1,3}$/;

const each =
  <T>(check: (v: T) => string | undefined) =>
  (list: T[]): string | undefined =>
    list.map(check).find((m) => m !== undefined);

export const OPTIONS = {
  hosts: option({
    kind: k.strings,
    flag: 'host',
    short: 'H',
    default: ['unix:///run/berth.sock'],
    help: 'Daemon socket(s) to connect to (unix:///path, fd://)',
  }),
  'data-root': option({ kind: k.str, default: '/var/lib/berth', help: 'Root directory of persistent state' }),
  'exec-root': option({ kind: k.str, default: '/run/berth', help: 'Root directory for execution state files' }),
  pidfile: option({ kind: k.str, short: 'p', default: '', help: 'Path to use for daemon PID file (default <exec-root>/berthd.pid)' }),
  'storage-driver': option({
    kind: k.str,
    short: 's',
    default: '',
    help: 'Storage driver to use (overlayfs or vfs; default: overlayfs when the kernel supports it)',
    validate: (v) => (['', 'overlayfs', 'overlay2', 'vfs'].includes(v) ? undefined : `unsupported storage driver: ${v}`),
  }),
  'log-driver': option({
    kind: k.str,
    default: 'json-file',
    help: 'Default driver for container logs',
    validate: (v) => (isLogDriver(v) ? undefined : `logger: no log driver named '${v}' is registered`),
  }),
  'log-opts': option({ kind: k.stringMap, flag: 'log-opt', default: {}, help: 'Default log driver options for containers' }),
  'log-level': option({
    kind: k.str,
    short: 'l',
    default: 'info',
    help: 'Set the logging level ("debug"|"info"|"warn"|"error"|"fatal")',
    validate: (v) => (LOG_LEVELS.includes(v) ? undefined : `unable to parse logging level: ${v}`),
  }),
  debug: option({ kind: k.bool, short: 'D', default: false, reloadable: true, help: 'Enable debug mode' }),
  labels: option({
    kind: k.strings,
    flag: 'label',
    default: [],
    reloadable: true,
    help: 'Set key=value labels to the daemon',
    validate: each((l) => (/^[^=]+=/.test(l) ? undefined : `bad attribute format: ${l}`)),
  }),
  'default-ulimits': option({
    kind: k.ulimits,
    flag: 'default-ulimit',
    default: [],
    help: 'Default ulimits for containers (name=soft:hard)',
    validate: each((u) =>
      !ULIMIT_NAMES.has(u.Name.toLowerCase())
        ? `invalid ulimit type: ${u.Name}`
        : u.Soft > u.Hard
          ? `ulimit soft limit must be less than or equal to hard limit: ${u.Soft} > ${u.Hard}`
          : undefined,
    ),
  }),
  bridge: option({ kind: k.str, short: 'b', default: 'berth0', help: 'Attach containers to a network bridge', validate: bridgeNameError }),
  bip: option({ kind: k.str, default: '10.99.0.1/16', help: 'Specify network bridge IP', validate: (v) => (CIDR.test(v) ? undefined : `invalid bip: ${v}`) }),
  ipv6: option({ kind: k.bool, default: false, help: 'Enable IPv6 networking on the default bridge network' }),
  'fixed-cidr-v6': option({
    kind: k.str,
    default: '',
    help: 'IPv6 subnet for the default bridge network (default: one from the default address pools)',
    validate: (v) => (v === '' || CIDR6.test(v) ? undefined : `invalid fixed-cidr-v6: ${v}`),
  }),
  'default-address-pools': option({
    kind: k.pools,
    flag: 'default-address-pool',
    default: [{ base: '10.100.0.0/16', size: 24 }],
    help: 'Default address pools for node specific local networks (base=CIDR,size=N)',
    validate: each((p) =>
      (CIDR.test(p.base) && p.size >= 1 && p.size <= 32) || (CIDR6.test(p.base) && p.size >= 1 && p.size <= 128)
        ? undefined
        : `invalid default address pool: base=${p.base},size=${p.size}`,
    ),
  }),
  dns: option({ kind: k.strings, default: [], help: 'DNS server to use', validate: each((s) => (isIP(s) ? undefined : `${s} is not an ip address`)) }),
  'dns-search': option({ kind: k.strings, default: [], help: 'DNS search domains to use' }),
  'dns-opts': option({ kind: k.strings, flag: 'dns-opt', default: [], help: 'DNS options to use' }),
  'insecure-registries': option({ kind: k.strings, flag: 'insecure-registry', default: [], reloadable: true, help: 'Enable insecure registry communication' }),
  'registry-mirrors': option({
    kind: k.strings,
    flag: 'registry-mirror',
    default: [],
    reloadable: true,
    help: 'Preferred registry mirror',
    validate: each((m) => (/^https?:\/\/[^/]+/.test(m) ? undefined : `invalid mirror: unsupported scheme in ${JSON.stringify(m)}`)),
  }),
  // berth's own: the runc binary (the built-in `runc` runtime; `runtimes` may add others).
  runtime: option({ kind: k.str, default: '/usr/sbin/runc', help: 'Path to the runc binary of the built-in "runc" runtime' }),
  runtimes: option({ kind: k.runtimes, flag: 'add-runtime', default: {}, help: 'Register an additional OCI compatible runtime (name=path)' }),
  'default-runtime': option({ kind: k.str, default: 'runc', help: 'Default OCI runtime for containers' }),
  'cpu-rt-period': option({ kind: k.int, default: 0, help: 'Limit the CPU real-time period in microseconds for the parent cgroup for all containers' }),
  'cpu-rt-runtime': option({ kind: k.int, default: 0, help: 'Limit the CPU real-time runtime in microseconds for the parent cgroup for all containers' }),
  'max-concurrent-downloads': option({
    kind: k.int,
    default: 3,
    reloadable: true,
    help: 'Set the max concurrent downloads',
    validate: (n) => (n < 1 ? `invalid max concurrent downloads: ${n}` : undefined),
  }),
  'max-concurrent-uploads': option({
    kind: k.int,
    default: 5,
    reloadable: true,
    help: 'Set the max concurrent uploads',
    validate: (n) => (n < 1 ? `invalid max concurrent uploads: ${n}` : undefined),
  }),
  'shutdown-timeout': option({
    kind: k.int,
    default: 15,
    reloadable: true,
    help: 'Set the default shutdown timeout',
    validate: (n) => (n < 0 ? `invalid shutdown timeout: ${n}` : undefined),
  }),
  'live-restore': option({
    kind: k.bool,
    default: true,
    reloadable: true,
    help: 'Containers keep running while the daemon is down (always: they run under conmon)',
  }),
  features: option({ kind: k.boolMap, flag: null, default: {}, reloadable: true, help: '' }),
  // berth's own: the certs.d location, the registry request idle timeout (s), the push chunk size (bytes).
  'registry-certs-dir': option({ kind: k.str, flag: null, default: '/etc/berth/certs.d', help: '' }),
  'registry-timeout': option({ kind: k.int, flag: null, default: 30, help: '' }),
  'registry-chunk-size': option({ kind: k.int, flag: null, default: 16 << 20, help: '' }),
  'userns-remap': option({ kind: k.str, default: '', help: 'User/Group setting for user namespaces ("default" creates berthremap)' }),
  group: option({ kind: k.str, short: 'G', default: '', help: 'Group for the unix socket (default "berth")' }),
  'api-cors-header': option({ kind: k.str, default: '', help: 'Set CORS headers in the Engine API (Access-Control-Allow-Origin; none by default)' }),
  tls: option({ kind: k.optBool, default: undefined, help: 'Use TLS; implied by --tlsverify' }),
  tlsverify: option({ kind: k.optBool, default: undefined, help: 'Use TLS and verify the remote' }),
  tlscacert: option({ kind: k.str, default: '', help: 'Trust certs signed only by this CA (default "~/.docker/ca.pem")' }),
  tlscert: option({ kind: k.str, default: '', help: 'Path to TLS certificate file (default "~/.docker/cert.pem")' }),
  tlskey: option({ kind: k.str, default: '', help: 'Path to TLS key file (default "~/.docker/key.pem")' }),
  ui: option({ kind: k.str, default: '', help: 'Serve the web dashboard on host:port (off by default; loopback only)' }),
  'ui-allow-remote': option({ kind: k.bool, default: false, help: 'Let --ui bind a non-loopback address' }),
  'cri-socket': option({
    kind: k.str,
    default: '',
    help: 'Kubernetes CRI v1 gRPC socket for a kubelet (default unix://<exec-root>/cri.sock, i.e. unix:///run/berth/cri.sock)',
    validate: (v) => (v === '' || /^(unix:\/\/)?\/./.test(v) ? undefined : `invalid cri-socket ${v}: use unix:///path`),
  }),
  'metrics-addr': option({ kind: k.str, default: '', help: 'Serve Prometheus metrics on host:port (no token)' }),
};

export type OptionKey = keyof typeof OPTIONS;

/** Every option's value, by daemon.json key. */
export type Settings = { [K in OptionKey]: (typeof OPTIONS)[K] extends ConfigOption<infer T> ? T : never };

export function flagName(key: OptionKey): string | null {
  const o: ConfigOption<unknown> = OPTIONS[key];
  return o.flag === undefined ? key : o.flag;
}

export function defaultSettings(): Settings {
  return Object.fromEntries(Object.entries(OPTIONS).map(([key, o]) => [key, structuredClone(o.default)])) as Settings;
}
