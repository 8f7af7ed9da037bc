import type { Image } from '../core/images.js';
import { isAncestor } from '../services/images/lineage.js';
import type { StageState, BuildRun } from './state.js';
import { stepImageOf, type StepImage } from './step-image.js';

export const shortId = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);

/** Looks the step up in the cache; on a hit `st` moves to the cached image. */
export async function fromCache(run: BuildRun, st: StageState, key: string): Promise<boolean> {
  if (run.opts.noCache) return false;
  let img: Image | undefined;
  for (const id of run.deps.cache.candidates(key)) {
    img = run.deps.images.images.get(id);
    if (img !== undefined && cacheAllowed(run, img)) break;
    img = undefined;
  }
  if (img === undefined) return false;
  st.image = await stepImageOf(run.deps.images, img);
  run.deps.cache.used(key, img.id);
  run.out(' ---> Using cache\n');
  return true;
}

export async function finishStep(run: BuildRun, st: StageState, key: string, image: StepImage): Promise<void> {
  st.image = image;
  await run.deps.cache.set(key, image.id!);
}

/**
 * With `--cache-from`, Docker's classic builder takes a cached step only when its image is one of
 * the named images or an ancestor of one (so a name that does not exist means no cache at all).
 */
function cacheAllowed(run: BuildRun, img: Image): boolean {
  return run.cacheFrom === undefined || run.cacheFrom.some((src) => src.id === img.id || isAncestor(img, src));
}
