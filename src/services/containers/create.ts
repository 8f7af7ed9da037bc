import { hostname as osHostname } from 'node:os';
import { cgroupFeatures } from '../../lib/cgroups/features.js';
import { checkHostResources } from './config/resources-config.js';
import { join } from 'node:path';
import type { ContainerConfig, ContainerRecord, HostConfig, JoinedNamespaces } from '../../core/containers.js';
import { invalidArgument, messageOf, notFound } from '../../lib/errdefs.js';
import type { Image } from '../../core/images.js';
import { CleanupStack } from '../../lib/cleanup-stack.js';
import { chainIds, randomId } from '../../lib/digest.js';
import { familiarString, parseNormalizedNamed } from '../../lib/reference.js';
import { nowRfc3339Nano, ZERO_TIME } from '../../lib/time.js';
import type { ContainerDeps } from './deps.js';
import { mergeImageConfig } from './config/config-merge.js';
import { writeEtcFiles } from '../networks/etc-files.js';
import { generateName } from './config/names.js';
import { mappedDevices } from './config/host-devices.js';
import { checkSecurityConfig } from './config/security-config.js';
import { publishContainerEvent } from './events.js';
import { anonymousVolumes, releaseVolumes, resolveMounts } from './mounts/resolve.js';
import { verifyContainerSettings } from './config/verify.js';
import { resolveEndpoints, type EndpointRequest } from '../networks/endpoints.js';
import { registerLinks } from '../networks/links.js';
import { mkdirp } from '../../lib/atomic-file.js';
import { crashPoint } from '../../lib/crash-point.js';
import { prepareImageSnapshots } from './mounts/image.js';

const throwError = (err: Error): never => {
  throw err;
};

export interface CreateRequest {
  name?: string;
  config: ContainerConfig;
  hostConfig: HostConfig;
  /** `NetworkingConfig.EndpointsConfig`: aliases and a fixed address per network. */
  endpoints?: Record<string, EndpointRequest>;
  /** A client older than API 1.44: read-only binds are read-only at their top only (Docker's DefaultReadOnlyNonRecursive). */
  readOnlyNonRecursive?: boolean;
  /** Namespaces to join by path (a pod's pins): ContainerRecord.JoinNamespaces. */
  joinNamespaces?: JoinedNamespaces;
  /** A k8s-file log its owner rotates (the kubelet's): ContainerPaths.ExternalLog. */
  externalLog?: string;
}

/**
 * What `create` needs: the image, the record store (name claims), the log driver's defaults,
 * the networks (endpoints), volumes, the writable layer, the daemon's security and defaults.
 */
export type CreateDeps = Pick<
  ContainerDeps,
  'images' | 'store' | 'logs' | 'networks' | 'volumes' | 'snapshotter' | 'security' | 'defaults' | 'events' | 'log'
> &
  Partial<Pick<ContainerDeps, 'host'>>;

// Without a network service (unit fixtures), every mode but host gets a private, empty namespace.
const NETWORK_MODES = new Set(['', 'default', 'bridge', 'none', 'host']);

export async function createContainer(deps: CreateDeps, req: CreateRequest): Promise<{ Id: string; Warnings: string[] }> {
  const imageName = req.config.Image ?? '';
  if (imageName === '') throw invalidArgument('Config.Image must be set');
  verifyContainerSettings(req.config, req.hostConfig);
  const image = deps.images.resolve(imageName);
  if (image === undefined) throw missingImage(imageName);
  const hostConfig: HostConfig = { ...req.hostConfig, LogConfig: await deps.logs.resolve(req.hostConfig.LogConfig) };
  if (!hostConfig.NetworkMode || hostConfig.NetworkMode === 'default') hostConfig.NetworkMode = 'bridge';
  Object.assign(
    hostConfig,
    checkSecurityConfig(hostConfig, deps.security, (ref) => void deps.store.get(ref)),
  );
  if (hostConfig.UTSMode === 'host' && req.config.Hostname) throw invalidArgument('conflicting options: hostname and the UTS mode');
  if (!hostConfig.Privileged && (hostConfig.Devices ?? []).length > 0) await mappedDevices(hostConfig.Devices!);
  const warnings = checkHostResources(hostConfig, deps.host?.cgroups ?? (await cgroupFeatures()));
  if (!deps.networks && !NETWORK_MODES.has(hostConfig.NetworkMode)) throw notFound(`network ${hostConfig.NetworkMode} not found`);
  const networkSettings = deps.networks ? resolveEndpoints(deps.networks, hostConfig, req.endpoints) : undefined;
  if (deps.defaults) hostConfig.Runtime = checkRuntime(hostConfig.Runtime, deps.defaults.runtimes);
  if (hostConfig.NetworkMode === 'host' && req.config.Hostname) {
    throw invalidArgument('conflicting options: hostname and the network mode');
  }

  const config = mergeImageConfig(req.config, image.config.config);
  const argv = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
  if (argv.length === 0) throw invalidArgument('no command specified');

  const id = randomId();
  // What the create takes is given back, last first, if it fails (see lib/cleanup-stack.ts).
  const undo = new CleanupStack((err) => deps.log?.(`rolling back the create of ${id.slice(0, 12)}: ${messageOf(err)}`));
  // Claimed before the first await: one name, one container.
  const name = deps.store.claimName(req.name || generateName((n) => deps.store.hasName(n)), id);
  undo.defer(() => deps.store.releaseName(name, id));
  try {
    const created = await createClaimed(deps, undo, {
      id,
      name,
      config,
      hostConfig,
      image,
      imageName,
      networkSettings,
      roNonRecursive: req.readOnlyNonRecursive,
      joinNamespaces: req.joinNamespaces,
      externalLog: req.externalLog,
    });
    undo.dismiss();
    return { ...created, Warnings: [...warnings, ...created.Warnings] };
  } catch (err) {
    await undo.releaseAll();
    throw err;
  }
}

interface Claimed {
  id: string;
  name: string;
  config: ContainerConfig;
  hostConfig: HostConfig;
  image: Image;
  imageName: string;
  networkSettings: ReturnType<typeof resolveEndpoints> | undefined;
  roNonRecursive?: boolean;
  joinNamespaces?: JoinedNamespaces;
  externalLog?: string;
}

/** The rest of a create, once its ID and name are claimed: mounts, the directory, the layer, the record. */
async function createClaimed(deps: CreateDeps, undo: CleanupStack, c: Claimed): Promise<{ Id: string; Warnings: string[] }> {
  const { id, name, config, hostConfig, image, imageName, networkSettings } = c;
  const dir = deps.store.dir(id);
  const argv = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
  if (deps.networks) hostConfig.Links = registerLinks(deps.networks, hostConfig, name, networkSettings?.Networks);
  const hostname = hostConfig.NetworkMode === 'host' || hostConfig.UTSMode === 'host' ? osHostname() : config.Hostname || id.slice(0, 12);
  config.Hostname = hostname;
  const mounts = await resolveMounts(deps, config, hostConfig);
  undo.defer(() => releaseVolumes(deps.volumes, anonymousVolumes(mounts)));
  if (c.roNonRecursive) for (const mp of mounts) if (!mp.RW && mp.Type !== 'image') mp.ReadOnlyNonRecursive = true;
  await prepareImageSnapshots(
    deps.snapshotter,
    id,
    mounts,
    (ref) => deps.images.resolve(ref) ?? throwError(missingImage(ref)),
    (release) => undo.defer(release),
  );
  const rec: ContainerRecord = {
    Id: id,
    Name: name,
    Created: nowRfc3339Nano(),
    Path: argv[0]!,
    Args: argv.slice(1),
    Config: config,
    HostConfig: hostConfig,
    Image: image.id,
    ImageRef: imageName,
    State: { Status: 'created', Pid: 0, ExitCode: 0, Error: '', StartedAt: ZERO_TIME, FinishedAt: ZERO_TIME, OOMKilled: false },
    RestartCount: 0,
    MountPoints: mounts,
    ...(networkSettings ? { NetworkSettings: networkSettings } : {}),
    Paths: {
      Bundle: dir,
      Rootfs: join(dir, 'rootfs'),
      LogPath: deps.logs.logPath({ Id: id, Paths: { Bundle: dir } }, hostConfig.LogConfig!),
      HostnamePath: join(dir, 'hostname'),
      HostsPath: join(dir, 'hosts'),
      ResolvConfPath: join(dir, 'resolv.conf'),
      ...(c.externalLog ? { ExternalLog: c.externalLog } : {}),
    },
    ...(c.joinNamespaces ? { JoinNamespaces: c.joinNamespaces } : {}),
  };
  undo.defer(() => deps.store.delete(id));
  await mkdirp(dir, 0o710);
  await writeEtcFiles(rec, hostname, deps.defaults?.dns);
  const chain = chainIds(image.config.rootfs.diff_ids);
  undo.defer(() => deps.snapshotter.remove(id));
  await deps.snapshotter.prepare(id, chain.length ? chain[chain.length - 1]! : null);
  crashPoint('create:snapshot');
  // The record is written last: until it exists, the directory is garbage a restart removes.
  await deps.store.save(rec);
  publishContainerEvent(deps.events, rec, 'create');
  return { Id: id, Warnings: [] };
}

/** `--runtime`: one of the daemon's runtimes (daemon.json `runtimes`, the built-in `runc`), else Docker's error; the default when not given. */
function checkRuntime(name: string | undefined, runtimes: { names: string[]; default: string }): string {
  const rt = name || runtimes.default;
  if (!runtimes.names.includes(rt)) throw invalidArgument(`Unknown runtime specified ${rt}`);
  return rt;
}

/**
 * "No such image: busybox:latest" (the reference as Docker echoes it), or, for something that is
 * neither a reference nor an image ID, Docker's 400 "invalid reference format".
 */
function missingImage(s: string): Error {
  try {
    return notFound(`No such image: ${familiarString(parseNormalizedNamed(s))}`);
  } catch (err) {
    return /^(sha256:)?[0-9a-f]{1,64}$/.test(s) ? notFound(`No such image: ${s}`) : invalidArgument((err as Error).message);
  }
}
