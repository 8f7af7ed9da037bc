import type { Image } from '../../core/images.js';
import { chainIds, type Digest } from '../../lib/digest.js';
import { MEDIA_TYPE, type Descriptor } from '../../lib/oci/image-spec.js';
import type { ImageDeps } from './deps.js';
import type { Platform } from './pull-platform.js';

/**
 * One manifest of an image as the OCI store holds it: what Docker's multi-platform (containerd)
 * image store reports as an image's `Descriptor` and as an entry of its `Manifests`. berth keeps
 * one platform manifest per image, so an image has exactly one such entry, of kind image.
 */
export interface ManifestInfo {
  /** The manifest's descriptor (media type as the manifest declares it), platform from its config. */
  descriptor: Descriptor & { platform: Platform };
  /** Config and every layer are present (blob in the content store, or unpacked). */
  available: boolean;
  /** Bytes of the manifest, config and layer blobs present in the content store. */
  contentSize: number;
  /** Bytes of the unpacked layers (the image's size). */
  unpackedSize: number;
  /** IDs of the containers made from this image. */
  containers: string[];
}

interface ParsedManifest {
  mediaType: string;
  size: number;
  config?: Descriptor;
  layers: Descriptor[];
}

/**
 * Parsed manifests by digest, per content store: content-addressed, so an entry never goes stale
 * (list answers read every image's). Bounded: emptied when it passes `CACHE_MAX` entries.
 */
const parsed = new WeakMap<object, Map<string, ParsedManifest>>();
const CACHE_MAX = 4096;

async function readManifest(content: ImageDeps['content'], digest: Digest): Promise<ParsedManifest | undefined> {
  let cache = parsed.get(content);
  if (cache === undefined) parsed.set(content, (cache = new Map()));
  const hit = cache.get(digest);
  if (hit !== undefined) return hit;
  const info = await content.info(digest);
  if (info === undefined) return undefined;
  const m = JSON.parse((await content.read(digest)).toString()) as { mediaType?: string; config?: Descriptor; layers?: Descriptor[] };
  const entry = { mediaType: m.mediaType ?? MEDIA_TYPE.ociManifest, size: info.size, config: m.config, layers: m.layers ?? [] };
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(digest, entry);
  return entry;
}

/**
 * The image's manifest as the store holds it. Without `detail` only the descriptor is exact
 * (what `Descriptor` needs); with it, availability, content size and containers are read too.
 */
export async function imageManifest(
  deps: Pick<ImageDeps, 'content' | 'snapshotter' | 'containers'>,
  img: Image,
  opts: { detail?: boolean } = { detail: true },
): Promise<ManifestInfo> {
  const m = await readManifest(deps.content, img.manifestDigest);
  const c = img.config;
  const platform: Platform = { architecture: c.architecture, os: c.os, ...(c.variant ? { variant: c.variant } : {}) };
  const descriptor = { mediaType: m?.mediaType ?? MEDIA_TYPE.ociManifest, digest: img.manifestDigest, size: m?.size ?? 0, platform };
  if (opts.detail === false) return { descriptor, available: m !== undefined, contentSize: m?.size ?? 0, unpackedSize: img.size, containers: [] };
  const layers = m?.layers ?? [];
  const blobs = await Promise.all([m?.config, ...layers].map((d) => (d ? deps.content.info(d.digest) : Promise.resolve(undefined))));
  const unpacked = await Promise.all(chainIds(c.rootfs.diff_ids).map((id) => deps.snapshotter.hasLayer(id)));
  const available = blobs[0] !== undefined && layers.every((_, i) => blobs[i + 1] !== undefined || unpacked[i] === true);
  return {
    descriptor,
    available,
    contentSize: (m?.size ?? 0) + blobs.reduce((n, b) => n + (b?.size ?? 0), 0),
    unpackedSize: img.size,
    containers: deps.containers
      .all()
      .filter((r) => r.Image === img.id)
      .map((r) => r.Id),
  };
}
