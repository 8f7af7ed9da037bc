import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Image, ImageConfigBlob, ImageRuntimeConfig } from '../core/images.js';
import { packDir } from '../lib/archive/pack-dir.js';
import { chainIds, randomId, type Digest } from '../lib/digest.js';
import type { Descriptor, OciManifest } from '../lib/oci/image-spec.js';
import { nowRfc3339Nano } from '../lib/time.js';
import type { ImageDeps } from '../services/images/deps.js';
import { storeLayer } from '../services/images/store-layer.js';
import { logTiming, timed } from '../lib/phase-timer.js';
import { writeImage } from '../services/images/write-image.js';
import { mkdirp } from '../lib/atomic-file.js';

/** The image a build step starts from: stored (id) or, for a fresh `FROM scratch`, not yet. */
export interface StepImage {
  id?: Digest;
  blob: ImageConfigBlob;
  layers: Descriptor[];
}

export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function scratchImage(): StepImage {
  return { blob: { architecture: 'amd64', os: 'linux', config: { Env: [DEFAULT_PATH] }, rootfs: { type: 'layers', diff_ids: [] }, history: [] }, layers: [] };
}

export async function stepImageOf(deps: ImageDeps, img: Image): Promise<StepImage> {
  const manifest = JSON.parse((await deps.content.read(img.manifestDigest)).toString()) as OciManifest;
  return { id: img.id, blob: img.config, layers: manifest.layers };
}

/** Writes the image of one step: the parent plus an optional layer, a new config and one history entry. */
export async function writeStepImage(
  deps: ImageDeps,
  parent: StepImage,
  config: ImageRuntimeConfig,
  createdBy: string,
  layer?: Descriptor,
  author?: string,
): Promise<StepImage> {
  const created = nowRfc3339Nano();
  const auth = author ?? parent.blob.author;
  const blob: ImageConfigBlob = {
    ...parent.blob,
    created,
    ...(auth ? { author: auth } : {}),
    config,
    rootfs: { type: 'layers', diff_ids: [...parent.blob.rootfs.diff_ids, ...(layer ? [layer.digest] : [])] },
    history: [...(parent.blob.history ?? []), { created, created_by: createdBy, ...(layer ? {} : { empty_layer: true }) }],
  };
  delete blob.container;
  delete blob.container_config;
  const layers = layer ? [...parent.layers, layer] : parent.layers;
  const image = await writeImage(deps, { config: blob, layers });
  return { id: image.id, blob, layers };
}

/**
 * Runs `fn` on a writable overlay of `parent` mounted at a scratch dir, then stores what it
 * changed as one layer (undefined when nothing changed). The snapshot and mount are always
 * removed, whatever happens. `known`: files `fn` wrote and their content (packDir's `known`),
 * packed without being read back.
 */
export async function withScratchSnapshot(
  deps: ImageDeps,
  scratch: string,
  parent: StepImage,
  fn: (rootfs: string) => Promise<void>,
  known?: ReadonlyMap<string, Buffer>,
): Promise<Descriptor | undefined> {
  const key = `build-${randomId().slice(0, 32)}`;
  const target = join(scratch, key);
  const diffIds = parent.blob.rootfs.diff_ids;
  await deps.snapshotter.prepare(key, chainIds(diffIds).at(-1) ?? null);
  try {
    await mkdirp(target);
    // volatile: the unmount skips syncing the whole upper filesystem (tens to hundreds of ms); the
    // committed diff is then written back by the kernel as an unpacked layer's files are.
    await deps.snapshotter.mount(key, target, undefined, { volatile: true });
    try {
      await timed('build: snapshot: fill', () => fn(target));
    } finally {
      await deps.snapshotter.unmount(target);
      await rm(target, { recursive: true, force: true });
    }
    const upper = deps.snapshotter.upperDir(key);
    if ((await readdir(upper)).length === 0) return undefined;
    const t0 = performance.now();
    const { stream, done } = packDir(upper, { whiteouts: 'overlay', known, hot: true });
    done.then(() => logTiming(`build: snapshot: pack (${known?.size ?? 0} files known)`, t0)).catch(() => undefined);
    // The upper dir is the layer: commit it in place rather than unpack its tar again, unless
    // it holds what the tar cannot say (overlay's own bookkeeping, unencodable xattrs).
    const sn = deps.snapshotter;
    const unpack = async (chainId: string): Promise<boolean> => {
      const st = await done;
      if (sn.commit === undefined || st.overlayXattrs > 0 || st.skippedXattrs > 0) return false;
      await timed('build: snapshot: commit in place', () => sn.commit!(key, chainId));
      return true;
    };
    const layer = await timed('build: snapshot: store layer', () => storeLayer(deps, stream, diffIds as Digest[], { unpack }));
    await done;
    return layer;
  } finally {
    await deps.snapshotter.remove(key);
  }
}
