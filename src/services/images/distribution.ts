import type { AuthConfig, RegistryClient } from '../../core/registry.js';
import { sha256 } from '../../lib/digest.js';
import { invalidArgument } from '../../lib/errdefs.js';
import { MEDIA_TYPE, type OciIndex, type OciManifest } from '../../lib/oci/image-spec.js';
import { parseNormalizedNamed } from '../../lib/reference.js';
import { MAX_CONFIG_BYTES } from './pull.js';

/** An OCI platform as a registry describes it (`os.version`/`os.features` kept when present). */
export interface RemotePlatform {
  architecture: string;
  os: string;
  'os.version'?: string;
  'os.features'?: string[];
  variant?: string;
}

/** What `GET /distribution/{name}/json` answers: the reference's manifest descriptor and the platforms it serves. */
export interface DistributionInfo {
  descriptor: { mediaType: string; digest: string; size: number };
  /** An index's entries' platforms; a manifest's config platform; null when neither says. */
  platforms: RemotePlatform[] | null;
}

/**
 * Resolves a reference on its registry without pulling (Docker's distribution inspect): the
 * manifest or index it names (tag `latest` when none), and the platforms it serves — from the
 * index entries, or from the config of a single manifest. A full image ID names nothing remote.
 */
export async function distributionInspect(deps: { registry: RegistryClient }, name: string, auth?: AuthConfig): Promise<DistributionInfo> {
  if (/^(sha256:)?[a-f0-9]{64}$/.test(name)) throw invalidArgument('no manifest found for full image ID');
  const ref = parseNormalizedNamed(name);
  const reference = ref.digest ?? ref.tag ?? 'latest';
  const repo = await deps.registry.repository({ domain: ref.domain, name: ref.path, auth });
  const top = await repo.manifest(reference);
  const descriptor = { mediaType: top.mediaType, digest: top.digest, size: top.bytes.length };
  const doc = JSON.parse(top.bytes.toString()) as Partial<OciIndex & OciManifest>;
  if (top.mediaType === MEDIA_TYPE.ociIndex || top.mediaType === MEDIA_TYPE.dockerManifestList) {
    return { descriptor, platforms: (doc.manifests ?? []).map((m) => ({ architecture: '', os: '', ...m.platform })) };
  }
  const config = doc.config;
  if (config === undefined || !(config.size > 0 && config.size <= MAX_CONFIG_BYTES)) return { descriptor, platforms: null };
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of await repo.blob(config.digest)) {
    n += (c as Buffer).length;
    if (n > config.size) break;
    chunks.push(c as Buffer);
  }
  const bytes = Buffer.concat(chunks);
  if (n !== config.size || sha256(bytes) !== config.digest) return { descriptor, platforms: null };
  const p = JSON.parse(bytes.toString()) as Partial<RemotePlatform>;
  if (!p.os && !p.architecture) return { descriptor, platforms: null };
  return {
    descriptor,
    platforms: [
      {
        architecture: p.architecture ?? '',
        os: p.os ?? '',
        ...(p['os.version'] ? { 'os.version': p['os.version'] } : {}),
        ...(p['os.features']?.length ? { 'os.features': p['os.features'] } : {}),
        ...(p.variant ? { variant: p.variant } : {}),
      },
    ],
  };
}
