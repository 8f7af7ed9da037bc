import type { Image } from '../../core/images.js';
import { chainIds } from '../../lib/digest.js';
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

export async function imageManifest(deps: Pick<ImageDeps, 'content' | 'snapshotter' | 'containers'>, img: Image): Promise<ManifestInfo> {
  const manifestInfo = await deps.content.info(img.manifestDigest);
  let mediaType: string = MEDIA_TYPE.ociManifest;
  let layers: Descriptor[] = [];
  let config: Descriptor | undefined;
  if (manifestInfo !== undefined) {
    const m = JSON.parse((await deps.content.read(img.manifestDigest)).toString()) as { mediaType?: string; config?: Descriptor; layers?: Descriptor[] };
    mediaType = m.mediaType ?? mediaType;
    layers = m.layers ?? [];
    config = m.config;
  }
  const c = img.config;
  const platform: Platform = { architecture: c.architecture, os: c.os, ...(c.variant ? { variant: c.variant } : {}) };
  const blobs = await Promise.all([config, ...layers].map((d) => (d ? deps.content.info(d.digest) : Promise.resolve(undefined))));
  const chain = chainIds(c.rootfs.diff_ids);
  const unpacked = await Promise.all(chain.map((id) => deps.snapshotter.hasLayer(id)));
  const available = blobs[0] !== undefined && layers.every((_, i) => blobs[i + 1] !== undefined || unpacked[i] === true);
  const contentSize = (manifestInfo?.size ?? 0) + blobs.reduce((n, b) => n + (b?.size ?? 0), 0);
  return {
    descriptor: { mediaType, digest: img.manifestDigest, size: manifestInfo?.size ?? 0, platform },
    available,
    contentSize,
    unpackedSize: img.size,
    containers: deps.containers
      .all()
      .filter((r) => r.Image === img.id)
      .map((r) => r.Id),
  };
}
