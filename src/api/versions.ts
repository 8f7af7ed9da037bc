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
