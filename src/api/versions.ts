import { API_VERSION, MIN_API_VERSION } from './types/version.js';

/**
 * The one table of version-gated behaviour: each entry names a change in Docker's Engine API
 * version history (moby `api/docs/CHANGELOG.md`) and the version that brought it. Handlers ask
 * `at(ctx.apiVersion, 'feature')`; nothing else compares version strings. A request below the
 * version gets the older behaviour, as Docker answers an old client.
 *
 * `docs/api-compat.md` shows, per endpoint, which of these a version range gets: an entry names
 * its endpoints in `FEATURE_ROUTES` (entries without one are listed apart).
 */
export const FEATURES = {
  /** 1.42: `POST /containers/{id}/stop` and `/restart` honour `signal`. */
  stopSignalParam: '1.42',
  /** 1.42: logs, attach and exec start say `application/vnd.docker.multiplexed-stream` (raw-stream before, whatever the framing). */
  multiplexedContentType: '1.42',
  /** 1.42: `HostConfig.KernelMemory` is ignored at create (before: berth refuses it, it cannot honour it). */
  kernelMemoryIgnored: '1.42',
  /** 1.42: container inspect and `/info` leave out `KernelMemory`/`KernelMemoryTCP` when unset or unsupported. */
  kernelMemoryOmitted: '1.42',
  /** 1.42: `GET /system/df` without `BuilderSize`. */
  noBuilderSize: '1.42',
  /** 1.42: `GET /system/df` build cache records name their parents in `Parents` (before: one `Parent`). */
  buildCacheParents: '1.42',
  /** 1.42: `GET /system/df` takes `type` (container, image, volume, build-cache) to report only those. */
  diskUsageTypeParam: '1.42',
  /** 1.42: `POST /volumes/prune` prunes only anonymous volumes unless `all=true`. */
  volumePruneAnonymousOnly: '1.42',
  /** 1.42: `HostConfig.Mounts` with options that do not match the mount type are refused (before: dropped). */
  mountOptionsMatchType: '1.42',
  /** 1.42: `BindOptions.CreateMountpoint` honoured (before: ignored). */
  bindCreateMountpoint: '1.42',
  /** 1.42: `HostConfig.ConsoleSize` honoured at create (before: ignored on Linux). */
  createConsoleSize: '1.42',
  /** 1.43: `GET /images/json` gives `[]` rather than `<none>:<none>` / `<none>@<none>` for untagged images. */
  noNoneRepoTags: '1.43',
  /** 1.44: `VirtualSize` left out of image inspect, image list and `system df`. */
  noVirtualSize: '1.44',
  /** 1.44: `HealthConfig.StartInterval` honoured (before: reset to 0). */
  healthStartInterval: '1.44',
  /** 1.44: `POST /containers/create` takes several `EndpointsConfig` entries (before: refused). */
  multipleEndpoints: '1.44',
  /** 1.44: `EndpointSettings.MacAddress` honoured at create (before: dropped unless the container-wide one is set). */
  endpointMacAddress: '1.44',
  /** 1.44: `BindOptions.ReadOnlyForceRecursive` accepted (before: refused). */
  readOnlyForceRecursive: '1.44',
  /** 1.44: endpoints carry `DNSNames` (name, aliases, short id, hostname on user-defined networks). */
  dnsNames: '1.44',
  /** 1.44: `/info` has `CDISpecDirs` (empty: berth has no CDI). */
  infoCdiSpecDirs: '1.44',
  /** 1.45: image inspect without `Container` and `ContainerConfig`. */
  noImageContainerConfig: '1.45',
  /** 1.43: untagged images list with empty `RepoTags`/`RepoDigests`, not `<none>:<none>`/`<none>@<none>`. */
  noImageNonePlaceholders: '1.43',
  /** 1.44: image inspect leaves out `Created` when the config has none (not `0001-01-01T00:00:00Z`). */
  imageCreatedOmitted: '1.44',
  /** 1.46: `POST /images/{name}/push` takes `platform` (JSON OCI platform). */
  imagePushPlatform: '1.46',
  /** 1.47: `GET /images/json?manifests=1` lists each image's `Manifests`. */
  imageListManifests: '1.47',
  /** 1.48: `Descriptor` in image list and inspect; inspect takes `manifests`; history, save and load take `platform`. */
  imageDescriptor: '1.48',
  /** 1.49: image inspect takes `platform` (JSON OCI platform). */
  imageInspectPlatform: '1.49',
  /** 1.50: image inspect `Config` without the container-only fields (Hostname, Tty, Image, …). */
  imageConfigOnly: '1.50',
  /** 1.50: `DELETE /images/{name}` takes `platforms` (JSON OCI platforms). */
  imageDeletePlatforms: '1.50',
  /** 1.52: save and load take several `platform` values (one from 1.48). */
  imageMultiPlatformArchive: '1.52',
  /** 1.52: image inspect leaves out empty `Parent`/`Comment`/`DockerVersion`/`Author` and unset `Config` fields. */
  imageInspectOmitEmpty: '1.52',
  /** 1.54: `GET /images/json?identity=1` (manifest summaries, with trusted identity where the store has it). */
  imageListIdentity: '1.54',
  /** 1.45: `Aliases` no longer carry the short id (and hostname); `DNSNames` lists every name. */
  aliasesWithoutShortId: '1.45',
  /** 1.45: `VolumeOptions.Subpath` accepted (before: refused). */
  volumeSubpath: '1.45',
  /** 1.46: image `create` events (a build's image) are sent (before: skipped). */
  imageCreateEvents: '1.46',
  /** 1.47: `/info` `RegistryConfig` leaves out `AllowNondistributableArtifacts*` (null before). */
  noAllowNondistributable: '1.47',
  /** 1.48: `Mount` of type `image` accepted (before: refused). */
  imageMount: '1.48',
  /** 1.48: `EndpointSettings.GwPriority` honoured (before: reset to 0). */
  gwPriority: '1.48',
  /** 1.48: networks have `EnableIPv4` (create: false makes an IPv6-only network; inspect and list show it). */
  networkEnableIPv4: '1.48',
  /** 1.48: `POST /build/prune` takes `reserved-space`, `max-used-space`, `min-free-space` (`keep-storage` before). */
  buildPruneSpaceLimits: '1.48',
  /** 1.49: `/info` has `FirewallBackend`. */
  firewallBackend: '1.49',
  /** 1.49: `/info` `ContainerdCommit`/`RuncCommit`/`InitCommit` without `Expected`. */
  noCommitExpected: '1.49',
  /** 1.50: `/info` without `BridgeNfIptables`/`BridgeNfIp6tables` (always false before). */
  noBridgeNf: '1.50',
  /** 1.51: `GET /images/json` counts the containers using each image in `Containers` (-1 before). */
  imageContainersCount: '1.51',
  /** 1.52: events without the deprecated `status`, `id` and `from`. */
  eventsWithoutLegacyFields: '1.52',
  /** 1.52: network inspect has `Status` (IPAM allocation statistics per subnet). */
  networkStatus: '1.52',
  /** 1.52: container inspect without the legacy top-level `NetworkSettings` address fields and `Bridge`. */
  noLegacyNetworkSettings: '1.52',
  /** 1.52: `KernelMemoryTCP` removed: ignored at create, left out of inspect and `/info`. */
  noKernelMemoryTCP: '1.52',
  /** 1.52: container inspect leaves out `Config.OnBuild` when empty. */
  noEmptyOnBuild: '1.52',
  /** 1.52: `GET /containers/json` items carry `Health` (status and failing streak) for containers with a healthcheck. */
  summaryHealth: '1.52',
  /** 1.52: `GET /system/df` adds `ImagesUsage`/`ContainersUsage`/`VolumesUsage`/`BuildCacheUsage` and takes `verbose` (with it: summaries and their items, no legacy lists). */
  diskUsageSummaries: '1.52',
  /** 1.52: stats carry `os_type`. */
  statsOsType: '1.52',
  /** 1.52: create warns that empty `PortBindings` lists stop meaning "any port" in 1.53 (1.52 only). */
  emptyPortBindingsWarning: '1.52',
  /** 1.53: an empty `PortBindings` list for a port means no binding (before: one binding on any address and a random port). */
  emptyPortBindingsDropped: '1.53',
  /** 1.54: `network connect` applies `EndpointSettings.MacAddress` (ignored before). */
  connectMacAddress: '1.54',
  /** 1.56: the prune endpoints take `stream`; berth does not stream prune results, so `stream=true` is a 501 (ignored before). */
  pruneStream: '1.56',
} as const satisfies Record<string, string>;

export type Feature = keyof typeof FEATURES;

/** The endpoints each feature changes (for docs/api-compat.md); a feature may be left out. */
export const FEATURE_ROUTES: Partial<Record<Feature, readonly string[]>> = {
  stopSignalParam: ['POST /containers/{id}/stop', 'POST /containers/{id}/restart'],
  multiplexedContentType: ['GET /containers/{id}/logs', 'POST /containers/{id}/attach', 'POST /exec/{id}/start'],
  kernelMemoryIgnored: ['POST /containers/create'],
  kernelMemoryOmitted: ['GET /containers/{id}/json', 'GET /info'],
  noBuilderSize: ['GET /system/df'],
  buildCacheParents: ['GET /system/df'],
  diskUsageTypeParam: ['GET /system/df'],
  volumePruneAnonymousOnly: ['POST /volumes/prune'],
  mountOptionsMatchType: ['POST /containers/create'],
  bindCreateMountpoint: ['POST /containers/create'],
  createConsoleSize: ['POST /containers/create'],
  noNoneRepoTags: ['GET /images/json'],
  noVirtualSize: ['GET /images/json', 'GET /images/{name}/json', 'GET /system/df'],
  healthStartInterval: ['POST /containers/create'],
  multipleEndpoints: ['POST /containers/create'],
  endpointMacAddress: ['POST /containers/create'],
  readOnlyForceRecursive: ['POST /containers/create'],
  dnsNames: ['GET /containers/{id}/json', 'GET /containers/json'],
  infoCdiSpecDirs: ['GET /info'],
  noImageContainerConfig: ['GET /images/{name}/json'],
  aliasesWithoutShortId: ['GET /containers/{id}/json'],
  volumeSubpath: ['POST /containers/create'],
  imageCreateEvents: ['GET /events'],
  noAllowNondistributable: ['GET /info'],
  imageMount: ['POST /containers/create'],
  gwPriority: ['POST /containers/create'],
  networkEnableIPv4: ['POST /networks/create', 'GET /networks', 'GET /networks/{id}'],
  buildPruneSpaceLimits: ['POST /build/prune'],
  connectMacAddress: ['POST /networks/{id}/connect'],
  firewallBackend: ['GET /info'],
  noCommitExpected: ['GET /info'],
  noBridgeNf: ['GET /info'],
  imageContainersCount: ['GET /images/json'],
  eventsWithoutLegacyFields: ['GET /events'],
  networkStatus: ['GET /networks/{id}'],
  noLegacyNetworkSettings: ['GET /containers/{id}/json'],
  noKernelMemoryTCP: ['POST /containers/create', 'GET /containers/{id}/json', 'GET /info'],
  noEmptyOnBuild: ['GET /containers/{id}/json'],
  summaryHealth: ['GET /containers/json'],
  diskUsageSummaries: ['GET /system/df'],
  statsOsType: ['GET /containers/{id}/stats'],
  emptyPortBindingsWarning: ['POST /containers/create'],
  emptyPortBindingsDropped: ['POST /containers/create'],
  pruneStream: ['POST /containers/prune', 'POST /images/prune', 'POST /networks/prune', 'POST /volumes/prune'],
};

/** Compares two `major.minor` versions as numbers (1.9 < 1.10). */
export function compareVersions(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am - bm || an - bn;
}

/** Whether a request at API `version` gets `feature`. An unversioned request speaks the newest. */
export function at(version: string, feature: Feature): boolean {
  return compareVersions(version === '' ? API_VERSION : version, FEATURES[feature]) >= 0;
}

/**
 * The version ranges in which every feature is on or off alike: `[from, to]` pairs from
 * MIN_API_VERSION to API_VERSION, cut at each version a feature starts (docs/api-compat.md's columns).
 */
export function versionRanges(): Array<[string, string]> {
  const starts = [...new Set(Object.values(FEATURES) as string[])]
    .filter((v) => compareVersions(v, MIN_API_VERSION) > 0 && compareVersions(v, API_VERSION) <= 0)
    .sort(compareVersions);
  const bounds = [MIN_API_VERSION, ...starts];
  return bounds.map((from, i) => [from, i + 1 < bounds.length ? previous(bounds[i + 1]!) : API_VERSION]);
}

/** The version before `v` (1.44 → 1.43). */
function previous(v: string): string {
  const [major = 1, minor = 0] = v.split('.').map(Number);
  return `${major}.${minor - 1}`;
}

export { API_VERSION, MIN_API_VERSION };
