import { invalidArgument, notFound } from '../../lib/errdefs.js';
import type { Descriptor } from '../../lib/oci/image-spec.js';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

/** `linux/amd64`, `linux/arm64/v8`, `amd64` (os defaults to linux). */
export function parsePlatform(s: string | undefined | null): Platform {
  if (!s) return DEFAULT_PLATFORM;
  const parts = s.toLowerCase().split('/');
  if (parts.length === 1) return { os: 'linux', architecture: normalizeArch(parts[0]!) };
  if (parts.length > 3 || parts.some((p) => p === '')) throw invalidArgument(`"${s}": unknown operating system or architecture: invalid argument`);
  return { os: parts[0]!, architecture: normalizeArch(parts[1]!), ...(parts[2] ? { variant: parts[2] } : {}) };
}

/** OS and architecture in lower case, architecture aliases as Docker names them (`x86_64` → `amd64`). */
export function normalizePlatform(p: Platform): Platform {
  return { os: p.os.toLowerCase(), architecture: normalizeArch(p.architecture.toLowerCase()), ...(p.variant ? { variant: p.variant.toLowerCase() } : {}) };
}

function normalizeArch(a: string): string {
  return a === 'x86_64' || a === 'x86-64' ? 'amd64' : a === 'aarch64' ? 'arm64' : a;
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** Picks the manifest for `want` from an index / manifest list (variant only when asked for). */
export function selectManifest(manifests: Descriptor[], want: Platform, ref: string): Descriptor {
  const match = manifests.filter((m) => m.platform && m.platform.os === want.os && normalizeArch(m.platform.architecture) === want.architecture);
  const exact = want.variant
    ? match.find((m) => m.platform?.variant === want.variant)
    : (match.find((m) => !m.platform?.variant || m.platform.variant === 'v8') ?? match[0]);
  if (exact === undefined) throw notFound(`no matching manifest for ${formatPlatform(want)} in the manifest list entries: ${ref}`);
  return exact;
}

/** The variant a platform has when it names none (containerd's normalisation). */
function defaultVariant(arch: string): string | undefined {
  return arch === 'amd64' ? 'v1' : arch === 'arm64' ? 'v8' : arch === 'arm' ? 'v7' : undefined;
}

/**
 * Whether an image of platform `have` serves a request for `want`, as containerd's matcher for a
 * single platform: same OS and architecture; a variant asked for must be the image's, except that
 * amd64 `vN` also takes the lower levels (an `amd64/v3` host runs `v1` images).
 */
export function platformMatches(have: Platform, want: Platform): boolean {
  if (have.os !== want.os || normalizeArch(have.architecture) !== want.architecture) return false;
  if (!want.variant) return true;
  const hv = have.variant || defaultVariant(want.architecture);
  if (want.architecture === 'amd64') return Number(hv?.slice(1)) <= Number(want.variant.slice(1));
  return hv === want.variant;
}

/**
 * An image's platform checked against one asked for: NotFound in Docker's words when it is not
 * served (berth keeps one platform per image, as Docker's graphdriver store).
 */
export function checkImagePlatform(ref: string, have: Platform, want: Platform | undefined): void {
  if (want === undefined || platformMatches(have, want)) return;
  throw notFound(
    `image with reference ${ref} was found but does not match the specified platform: wanted ${formatPlatform(want)}, actual: ${formatPlatform(have)}`,
  );
}
