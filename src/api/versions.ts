import { API_VERSION, MIN_API_VERSION } from './types/version.js';

/**
 * The one table of version-gated behaviour: each entry names a change in Docker's Engine API
 * version history and the version that brought it. Handlers ask `at(ctx.apiVersion, 'feature')`;
 * nothing else compares version strings.
 */
export const FEATURES = {
  /** 1.42: `POST /volumes/prune` prunes only anonymous volumes unless `all=true`. */
  volumePruneAnonymousOnly: '1.42',
  /** 1.44: `VirtualSize` left out of image inspect, image list and `system df`. */
  noVirtualSize: '1.44',
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
  /** 1.51: image list `Containers` counts the containers using each image (was -1). */
  imageContainersCount: '1.51',
  /** 1.52: image inspect leaves out empty `Parent`/`Comment`/`DockerVersion`/`Author` and unset `Config` fields. */
  imageInspectOmitEmpty: '1.52',
  /** 1.54: `GET /images/json?identity=1` (manifest summaries, with trusted identity where the store has it). */
  imageListIdentity: '1.54',
  /** 1.45: `Aliases` no longer carry the short id; `DNSNames` lists every name. */
  aliasesWithoutShortId: '1.45',
  /** 1.48: `POST /build/prune` takes `reserved-space`, `max-used-space`, `min-free-space` (`keep-storage` before). */
  buildPruneSpaceLimits: '1.48',
  /** 1.48: networks have `EnableIPv4` (create: false makes an IPv6-only network; inspect shows it). */
  networkEnableIPv4: '1.48',
} as const satisfies Record<string, string>;

export type Feature = keyof typeof FEATURES;

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

export { API_VERSION, MIN_API_VERSION };
