import { readFileSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ContainerCreateRequest, HostConfig } from '../../../api/types/containers.js';
import { collect, int } from '../../flags/options.js';
import { parseRestartPolicy } from '../../flags/restart-policy.js';
import { invalidDuration, parseGoDuration } from '../../../lib/go/duration.js';
import { addMountFlags, mountRequest, type MountFlags } from './mount-flags.js';
import { addNetworkFlags, networkRequest, type NetworkFlags } from './network-flags.js';
import { addSecurityFlags, effectiveCapFlags, securityRequest, type SecurityFlags } from './security-flags.js';
import { addResourceFlags, parseBytes, RESOURCE_DEFAULTS, resourcesFromFlags, type ResourceFlags } from './resource-flags.js';

/** The flags `run` and `create` share, declared once. */
export function addCreateFlags(cmd: Command): Command {
  return addSecurityFlags(addResourceFlags(addNetworkFlags(addMountFlags(cmd))))
    .option('--name <string>', 'Assign a name to the container')
    .option('-e, --env <list>', 'Set environment variables', collect)
    .option('--env-file <list>', 'Read in a file of environment variables', collect)
    .option('-w, --workdir <string>', 'Working directory inside the container')
    .option('-u, --user <string>', 'Username or UID (format: <name|uid>[:<group|gid>])')
    .option('--entrypoint <string>', 'Overwrite the default ENTRYPOINT of the image')
    .option('-l, --label <list>', 'Set meta data on a container', collect)
    .option('--label-file <list>', 'Read in a line delimited file of labels', collect)
    .option('--network <network>', 'Connect a container to a network', collect)
    .addOption(new Option('--net <network>').hideHelp().argParser(collect))
    .option('-h, --hostname <string>', 'Container host name')
    .option('-i, --interactive', 'Keep STDIN open even if not attached')
    .option('-t, --tty', 'Allocate a pseudo-TTY')
    .option('--add-host <list>', 'Add a custom host-to-IP mapping (host:ip)', collect)
    .option('--dns <list>', 'Set custom DNS servers', collect)
    .option('--dns-search <list>', 'Set custom DNS search domains', collect)
    .option('--dns-option <list>', 'Set DNS options', collect)
    .option('--privileged', 'Give extended privileges to this container')
    .option('--init', 'Run an init inside the container that forwards signals and reaps processes')
    .option('--restart <string>', 'Restart policy to apply when a container exits', 'no')
    .option('--health-cmd <string>', 'Command to run to check health')
    .option('--health-interval <duration>', 'Time between running the check (ms|s|m|h)')
    .option('--health-timeout <duration>', 'Maximum time to allow one check to run (ms|s|m|h)')
    .option('--health-start-period <duration>', 'Start period for the container to initialize before starting health-retries countdown (ms|s|m|h)')
    .option('--health-start-interval <duration>', 'Time between running the check during the start period (ms|s|m|h)')
    .option('--health-retries <int>', 'Consecutive failures needed to report unhealthy', int)
    .option('--no-healthcheck', 'Disable any container-specified HEALTHCHECK')
    .option('--read-only', "Mount the container's root filesystem as read only")
    .option('--cap-add <list>', 'Add Linux capabilities', collect)
    .option('--cap-drop <list>', 'Drop Linux capabilities', collect)
    .option('--memory-reservation <bytes>', 'Memory soft limit')
    .option('--oom-kill-disable', 'Disable OOM Killer')
    .option('--blkio-weight <int>', 'Block IO (relative weight), between 10 and 1000, or 0 to disable', int)
    .option('--memory-swappiness <int>', 'Tune container memory swappiness (0 to 100)', int, -1)
    .option('--cpu-rt-period <int>', 'Limit CPU real-time period in microseconds', int)
    .option('--cpu-rt-runtime <int>', 'Limit CPU real-time runtime in microseconds', int)
    .option('--device-cgroup-rule <list>', 'Add a rule to the cgroup allowed devices list', deviceCgroupRule)
    .option('--runtime <string>', 'Runtime to use for this container')
    .option('--volume-driver <string>', 'Optional volume driver for the container')
    .option('--shm-size <bytes>', 'Size of /dev/shm')
    .option('--stop-signal <string>', 'Signal to stop the container')
    .option('--stop-timeout <int>', 'Timeout (in seconds) to stop a container', int)
    .option('--ulimit <list>', 'Ulimit options', collect)
    .option('--log-driver <string>', 'Logging driver for the container')
    .option('--log-opt <list>', 'Log driver options', collect);
}

export interface CreateFlags extends MountFlags, NetworkFlags, ResourceFlags, SecurityFlags {
  name?: string;
  env?: string[];
  envFile?: string[];
  workdir?: string;
  user?: string;
  entrypoint?: string;
  label?: string[];
  labelFile?: string[];
  hostname?: string;
  interactive?: boolean;
  tty?: boolean;
  addHost?: string[];
  dns?: string[];
  dnsSearch?: string[];
  dnsOption?: string[];
  privileged?: boolean;
  init?: boolean;
  restart?: string;
  healthCmd?: string;
  healthInterval?: string;
  healthTimeout?: string;
  healthStartPeriod?: string;
  healthStartInterval?: string;
  healthRetries?: number;
  healthcheck?: boolean;
  readOnly?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  memoryReservation?: string;
  oomKillDisable?: boolean;
  blkioWeight?: number;
  memorySwappiness?: number;
  cpuRtPeriod?: number;
  cpuRtRuntime?: number;
  deviceCgroupRule?: string[];
  runtime?: string;
  volumeDriver?: string;
  shmSize?: string;
  stopSignal?: string;
  stopTimeout?: number;
  ulimit?: string[];
  logDriver?: string;
  logOpt?: string[];
}

/** `--device-cgroup-rule`: the docker CLI's check (the daemon parses it again). */
function deviceCgroupRule(v: string, prev: string[] | undefined): string[] {
  if (!/^[acb] ([0-9]+|\*):([0-9]+|\*) [rwm]{1,3}$/.test(v)) throw new InvalidArgumentError(`invalid device cgroup format '${v}'`);
  return [...(prev ?? []), v];
}

/** `KEY=value` lines; `#` comments; a bare `KEY` takes the caller's environment value (docker's env-file rules). */
export function readKeyValueFile(path: string, fromEnv: boolean): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InvalidArgumentError(`open ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
  }
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    out.push(fromEnv ? envEntry(line) : line);
  }
  return out.filter((e) => e !== '');
}

/** `-e KEY` (no `=`) copies KEY from the CLI's environment, or is dropped when unset. */
export function envEntry(e: string): string {
  if (e.includes('=')) return e;
  const v = process.env[e];
  return v === undefined ? '' : `${e}=${v}`;
}

function labelsOf(flags: CreateFlags): Record<string, string> | undefined {
  const all = [...(flags.labelFile ?? []).flatMap((f) => readKeyValueFile(f, false)), ...(flags.label ?? [])];
  if (all.length === 0) return undefined;
  return Object.fromEntries(all.map((l) => (l.includes('=') ? [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] : [l, ''])));
}

/** `--log-driver` / `--log-opt k=v` as the docker CLI sends them (an empty type: the daemon's default). */
function logConfig(flags: CreateFlags): NonNullable<HostConfig['LogConfig']> {
  const type = flags.logDriver ?? '';
  const opts = flags.logOpt ?? [];
  if (type === 'none' && opts.length > 0) throw new InvalidArgumentError(`invalid logging opts for driver ${type}`);
  const config = Object.fromEntries(opts.map((o) => (o.includes('=') ? [o.slice(0, o.indexOf('=')), o.slice(o.indexOf('=') + 1)] : [o, ''])));
  return { Type: type, Config: config };
}

function ulimits(list: string[] | undefined): HostConfig['Ulimits'] {
  return list?.map((u) => {
    const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(u);
    if (m === null) throw new InvalidArgumentError(`invalid ulimit argument: ${u}`);
    return { Name: m[1]!, Soft: Number(m[2]), Hard: Number(m[3] ?? m[2]) };
  });
}

/** Flags + image + command → the create request body, as the docker CLI builds it. */
export function buildCreateRequest(flags: CreateFlags, image: string, command: string[], extraHost: Partial<HostConfig> = {}): ContainerCreateRequest {
  const env = [...(flags.envFile ?? []).flatMap((f) => readKeyValueFile(f, true)), ...(flags.env ?? []).map(envEntry)].filter((e) => e !== '');
  const mounts = mountRequest(flags);
  const net = networkRequest(flags);
  const hostConfig: HostConfig = {
    ...mounts.host,
    ...net.host,
    NetworkMode: net.NetworkMode,
    Dns: flags.dns ?? [],
    DnsSearch: flags.dnsSearch ?? [],
    DnsOptions: flags.dnsOption ?? [],
    ExtraHosts: flags.addHost ?? null,
    Privileged: flags.privileged ?? false,
    ...(flags.init ? { Init: true } : {}),
    RestartPolicy: parseRestartPolicy(flags.restart ?? 'no'),
    ReadonlyRootfs: flags.readOnly ?? false,
    ...effectiveCapFlags(flags.capAdd, flags.capDrop),
    ...RESOURCE_DEFAULTS,
    ...resourcesFromFlags(flags),
    MemoryReservation: flags.memoryReservation ? parseBytes(flags.memoryReservation) : 0,
    OomKillDisable: flags.oomKillDisable ?? false,
    BlkioWeight: flags.blkioWeight ?? 0,
    ...(flags.memorySwappiness !== undefined && flags.memorySwappiness !== -1 ? { MemorySwappiness: flags.memorySwappiness } : {}),
    CpuRealtimePeriod: flags.cpuRtPeriod ?? 0,
    CpuRealtimeRuntime: flags.cpuRtRuntime ?? 0,
    DeviceCgroupRules: flags.deviceCgroupRule ?? null,
    Runtime: flags.runtime ?? '',
    VolumeDriver: flags.volumeDriver ?? '',
    ShmSize: flags.shmSize ? parseBytes(flags.shmSize) : 0,
    Ulimits: ulimits(flags.ulimit) ?? [],
    ...securityRequest(flags),
    LogConfig: logConfig(flags),
    ...extraHost,
  };
  // docker: a detached container attaches nothing, so its stdin stays open (no StdinOnce).
  const attached = (flags as { detach?: boolean }).detach !== true;
  return {
    Hostname: flags.hostname ?? '',
    Domainname: net.Domainname,
    User: flags.user ?? '',
    AttachStdin: attached && (flags.interactive ?? false),
    AttachStdout: attached,
    AttachStderr: attached,
    Tty: flags.tty ?? false,
    OpenStdin: flags.interactive ?? false,
    StdinOnce: attached && (flags.interactive ?? false),
    Env: env,
    Cmd: command.length ? command : null,
    Image: image,
    WorkingDir: flags.workdir ?? '',
    Entrypoint: flags.entrypoint === undefined ? null : flags.entrypoint === '' ? [''] : [flags.entrypoint],
    Labels: labelsOf(flags) ?? {},
    Volumes: mounts.volumes,
    StopSignal: flags.stopSignal,
    StopTimeout: flags.stopTimeout ?? null,
    ...healthcheckOf(flags),
    // The container-wide field too: the only one a daemon before API 1.44 reads (this client speaks 1.41).
    ...(flags.macAddress ? { MacAddress: flags.macAddress } : {}),
    HostConfig: hostConfig,
    ...(net.ExposedPorts ? { ExposedPorts: net.ExposedPorts } : {}),
    ...(net.NetworkingConfig ? { NetworkingConfig: net.NetworkingConfig } : {}),
  };
}

/** `--health-*` and `--no-healthcheck` as docker sends them (durations in ns; omitted when unset). */
function healthcheckOf(flags: CreateFlags): { Healthcheck?: NonNullable<ContainerCreateRequest['Healthcheck']> } {
  const duration = (v: string | undefined, flag: string): number | undefined => {
    if (v === undefined) return undefined;
    const ns = parseGoDuration(v);
    if (ns === undefined) throw new InvalidArgumentError(`invalid argument "${v}" for "${flag}" flag: ${invalidDuration(v)}`);
    return ns;
  };
  if (flags.healthcheck === false) {
    if (flags.healthCmd !== undefined) throw new InvalidArgumentError('--no-healthcheck conflicts with --health-* options');
    return { Healthcheck: { Test: ['NONE'] } };
  }
  const hc = {
    Test: flags.healthCmd === undefined ? undefined : ['CMD-SHELL', flags.healthCmd],
    Interval: duration(flags.healthInterval, '--health-interval'),
    Timeout: duration(flags.healthTimeout, '--health-timeout'),
    StartPeriod: duration(flags.healthStartPeriod, '--health-start-period'),
    StartInterval: duration(flags.healthStartInterval, '--health-start-interval'),
    Retries: flags.healthRetries,
  };
  return Object.values(hc).some((v) => v !== undefined) ? { Healthcheck: hc } : {};
}
