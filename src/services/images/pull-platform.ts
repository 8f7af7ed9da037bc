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
