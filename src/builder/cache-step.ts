import type { StageState, BuildRun } from './state.js';
import { stepImageOf, type StepImage } from './step-image.js';

export const shortId = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);

/** Looks the step up in the cache; on a hit `st` moves to the cached image. */
export async function fromCache(run: BuildRun, st: StageState, key: string): Promise<boolean> {
  if (run.opts.noCache) return false;
  const id = run.deps.cache.get(key);
  const img = id === undefined ? undefined : run.deps.images.images.get(id);
  if (img === undefined) return false;
  st.image = await stepImageOf(run.deps.images, img);
  run.out(' ---> Using cache\n');
  run.steps?.cached();
  return true;
}

export async function finishStep(run: BuildRun, st: StageState, key: string, image: StepImage): Promise<void> {
  st.image = image;
  await run.deps.cache.set(key, image.id!);
}
