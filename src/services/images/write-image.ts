import type { Image, ImageConfigBlob } from '../../core/images.js';
import { MEDIA_TYPE, type Descriptor, type OciManifest } from '../../lib/oci/image-spec.js';
import type { ImageDeps } from './deps.js';

export interface NewImage {
  config: ImageConfigBlob;
  /** Layer blobs already in the content store (and unpacked by the snapshotter), bottom first. */
  layers: Descriptor[];
  /** A full normalised name, or undefined for a dangling image. */
  name?: string;
}

/**
 * The last steps of every way of making an image (import, commit, load): config blob, then
 * manifest, then the index entry — the name last, so a failure half-way leaves no image.
 */
export async function writeImage(deps: Pick<ImageDeps, 'content' | 'images'>, img: NewImage): Promise<Image> {
  const configBlob = await deps.content.put(JSON.stringify(img.config));
  const manifest: OciManifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPE.ociManifest,
    config: { mediaType: MEDIA_TYPE.ociConfig, digest: configBlob.digest, size: configBlob.size },
    layers: img.layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  const manifestBlob = await deps.content.put(JSON.stringify(manifest));
  const image: Image = {
    id: configBlob.digest,
    names: img.name ? [img.name] : [],
    manifestDigest: manifestBlob.digest,
    config: img.config,
    size: img.layers.reduce((n, l) => n + l.size, 0),
  };
  await deps.images.add(image);
  return image;
}
