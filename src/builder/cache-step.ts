import type { Image, ImageRuntimeConfig } from '../core/images.js';
import { imageAtStep, isAncestor, startsWith } from '../services/images/lineage.js';
import { writeImage } from '../services/images/write-image.js';
import type { StageState, BuildRun } from './state.js';
import { stepImageOf, type StepImage } from './step-image.js';

export const shortId = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);

/** What a step would write, for matching it against `--cache-from` images' history. */
export interface StepProbe {
  createdBy: string;
  config: ImageRuntimeConfig;
}

/**
 * Looks the step up in the cache; on a hit `st` moves to the cached image. With `--cache-from`,
 * a step the local cache does not have can still come from a named image's history (below).
 */
export async function fromCache(run: BuildRun, st: StageState, key: string, probe?: StepProbe): Promise<boolean> {
  if (run.opts.noCache || st.noCache === true) return false;
  let img: Image | undefined;
  for (const id of run.deps.cache.candidates(key)) {
    img = run.deps.images.images.get(id);
    if (img !== undefined && cacheAllowed(run, img)) break;
    img = undefined;
  }
  if (img !== undefined) {
    st.image = await stepImageOf(run.deps.images, img);
    run.deps.cache.used(key, img.id);
  } else {
    const restored = probe === undefined ? undefined : await fromSourceHistory(run, st.image, probe);
    if (restored === undefined) return false;
    st.image = restored;
    await run.deps.cache.set(key, restored.id!);
  }
  run.out(' ---> Using cache\n');
  run.steps?.cached();
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

/**
 * Docker's cache from an image's history (an image pulled or loaded, whose steps this daemon never
 * cached): a named image whose layers and history begin with the parent's, and whose next history
 * entry was made by the same command, gives the step — the image itself when that entry is its
 * last, else an image of its history up to that entry with the step's config. From then on only
 * that image is followed, as Docker does.
 */
async function fromSourceHistory(run: BuildRun, parent: StepImage, probe: StepProbe): Promise<StepImage | undefined> {
  const n = parent.blob.history?.length ?? 0;
  const empty = n === 0 && parent.blob.rootfs.diff_ids.length === 0;
  for (const src of run.cacheFrom ?? []) {
    const history = src.config.history ?? [];
    if (history.length <= n || !(empty || startsWith(src.config, parent.blob)) || history[n]!.created_by !== probe.createdBy) continue;
    run.cacheFrom = [src];
    const whole = await stepImageOf(run.deps.images, src);
    if (history.length === n + 1) return whole;
    // The image of that step may be here already (the named image was built here).
    const local = imageAtStep(src, n + 1, run.deps.images.images.list());
    if (local !== undefined) return stepImageOf(run.deps.images, local);
    const kept = history.slice(0, n + 1);
    const layers = kept.filter((h) => !h.empty_layer).length;
    const blob = {
      ...src.config,
      created: kept.at(-1)!.created,
      config: probe.config,
      rootfs: { type: 'layers' as const, diff_ids: src.config.rootfs.diff_ids.slice(0, layers) },
      history: kept,
    };
    delete blob.container;
    delete blob.container_config;
    const image = await writeImage(run.deps.images, { config: blob, layers: whole.layers.slice(0, layers) });
    return { id: image.id, blob, layers: whole.layers.slice(0, layers) };
  }
  return undefined;
}
