import { isKind } from '../lib/errdefs.js';
import { removeImage } from '../services/images/remove.js';
import type { CriDeps } from './deps.js';
import { findImage, toCriImage, type CriImage } from './image-view.js';

type Spec = { image: string } | null;

/** `ListImages`: every image of the store; a filter's image narrows it to the one it names. */
export function listCriImages(deps: CriDeps, req: { filter: { image: Spec } | null }): { images: CriImage[] } {
  const want = req.filter?.image?.image ?? '';
  if (want === '') return { images: deps.images.images.list().map(toCriImage) };
  const img = findImage(deps.images.images, want);
  return { images: img === undefined ? [] : [toCriImage(img)] };
}

/** `ImageStatus`: the image, or none (not an error) when it is not present; `verbose` adds the config as JSON. */
export function criImageStatus(deps: CriDeps, req: { image: Spec; verbose: boolean }): { image: CriImage | null; info: Record<string, string> } {
  const img = findImage(deps.images.images, req.image?.image ?? '');
  if (img === undefined) return { image: null, info: {} };
  return { image: toCriImage(img), info: req.verbose ? { info: JSON.stringify({ imageConfig: img.config }) } : {} };
}

/**
 * `RemoveImage`: the image and all its names (the CRI removes an image, not one tag); one that is
 * already gone is success, the idempotence the kubelet's image GC relies on.
 */
export async function removeCriImage(deps: CriDeps, req: { image: Spec }): Promise<Record<string, never>> {
  const img = findImage(deps.images.images, req.image?.image ?? '');
  if (img === undefined) return {};
  await removeImage(deps.images, img.id, { force: true }).catch((err: unknown) => {
    if (!isKind(err, 'NotFound')) throw err;
  });
  return {};
}
