import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { mkdirp } from '../lib/atomic-file.js';
import { chainIds, randomId } from '../lib/digest.js';
import type { BuildRun } from './state.js';
import type { StepImage } from './step-image.js';

/** A stage's or an image's filesystem mounted at a scratch dir: a writable overlay whose changes are thrown away. */
export interface ImageRoot {
  dir: string;
  release(): Promise<void>;
}

/** Mounts `img` at a new scratch dir; `release` unmounts it and removes the snapshot (always call it). */
export async function mountImageRoot(run: BuildRun, img: StepImage): Promise<ImageRoot> {
  const key = `build-from-${randomId().slice(0, 24)}`;
  const dir = join(run.deps.scratch, key);
  const sn = run.deps.images.snapshotter;
  await sn.prepare(key, chainIds(img.blob.rootfs.diff_ids).at(-1) ?? null);
  let mounted = false;
  const release = async (): Promise<void> => {
    try {
      if (mounted) await sn.unmount(dir);
      await rm(dir, { recursive: true, force: true });
    } finally {
      await sn.remove(key);
    }
  };
  try {
    await mkdirp(dir);
    await sn.mount(key, dir);
    mounted = true;
  } catch (err) {
    await release().catch(() => undefined);
    throw err;
  }
  return { dir, release };
}
