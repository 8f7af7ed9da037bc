import { publishImageEvent } from './events.js';
import { publishContainerEvent } from '../containers/events.js';
import type { ContainerRecord } from '../../core/containers.js';
import { conflict } from '../../lib/errdefs.js';
import type { ImageConfigBlob, ImageRuntimeConfig } from '../../core/images.js';
import { packDir } from '../../lib/archive/pack-dir.js';
import type { Digest } from '../../lib/digest.js';
import type { Descriptor, OciManifest } from '../../lib/oci/image-spec.js';
import { familiarString, fullName, parseNormalizedNamed } from '../../lib/reference.js';
import { nowRfc3339Nano } from '../../lib/time.js';
import { crashPoint } from '../../lib/crash-point.js';
import { createdMountPoints, runtimeCreatedPaths } from '../containers/init-paths.js';
import { applyChanges } from './changes.js';
import type { ImageDeps } from './deps.js';
import { storeLayer } from './store-layer.js';
import { writeImage } from './write-image.js';
import { remapOf } from '../containers/remap.js';

/** Intent kind (lib/intents): a container commit froze, by its ID. */
export const PAUSE_INTENT = 'commit-pause';

export interface CommitRequest {
  container: string;
  repo?: string;
  tag?: string;
  comment?: string;
  author?: string;
  /** Default true: a running container is frozen (runc pause) while its upper dir is read. */
  pause?: boolean;
  changes?: string[];
  /** Config fields from the request body, merged over the container's (Docker's `config` body). */
  config?: ImageRuntimeConfig;
  /** The Env recorded in `container_config` (default: the container's); a build leaves its secrets out. */
  containerConfigEnv?: string[];
  /** Mount targets whose mount points the runtime made are left out of the layer (a build step's `RUN --mount`s). */
  mountPoints?: string[];
}

/**
 * `docker commit`: the container's upper dir becomes one new layer (overlay whiteouts turned
 * back into OCI `.wh.` entries) on top of its image's layers; the new config is the container's
 * config with `changes` applied. The name is written last (see writeImage).
 */
export async function commitContainer(deps: ImageDeps, req: CommitRequest): Promise<Digest> {
  const rec = deps.containers.get(req.container);
  const name = req.repo ? fullName(parseNormalizedNamed(req.tag ? `${req.repo}:${req.tag}` : req.repo)) : undefined;
  if (rec.State.Status === 'removing' || rec.State.Status === 'dead') {
    throw conflict(`You cannot commit container ${rec.Id} which is being removed or is dead`);
  }
  const config = applyChanges({ ...runtimeConfig(rec), ...req.config }, req.changes ?? []);
  const parent = deps.images.get(rec.Image as Digest);
  const parentConfig = parent?.config;
  const parentLayers = parent ? (JSON.parse((await deps.content.read(parent.manifestDigest)).toString()) as OciManifest).layers : [];

  // Only drivers whose upper dir holds just the changes can commit (vfs answers NotImplemented).
  const lowers = await deps.snapshotter.lowerDirs(rec.Id);
  const skip = await runtimeCreatedPaths(lowers);
  for (const p of await createdMountPoints(lowers, deps.snapshotter.upperDir(rec.Id), req.mountPoints ?? [])) skip.add(p);
  const paused = req.pause !== false && rec.State.Status === 'running';
  const layer = await withPaused(deps, rec, paused, async () => {
    const remap = remapOf(deps, rec);
    const ids = remap && { uids: remap.uids, gids: remap.gids };
    const { stream, done } = packDir(deps.snapshotter.upperDir(rec.Id), { whiteouts: 'overlay', exclude: (rel) => skip.has(rel), ...(ids ? { ids } : {}) });
    const desc = await storeLayer(deps, stream, parentConfig?.rootfs.diff_ids ?? []);
    await done;
    return desc;
  });

  const created = nowRfc3339Nano();
  const imageConfig: ImageConfigBlob = {
    architecture: parentConfig?.architecture ?? 'amd64',
    os: parentConfig?.os ?? 'linux',
    ...(parentConfig?.variant ? { variant: parentConfig.variant } : {}),
    created,
    ...(req.author ? { author: req.author } : {}),
    ...(req.comment ? { comment: req.comment } : {}),
    container: rec.Id,
    container_config: { ...runtimeConfig(rec), ...(req.containerConfigEnv ? { Env: req.containerConfigEnv } : {}) },
    config,
    rootfs: { type: 'layers', diff_ids: [...(parentConfig?.rootfs.diff_ids ?? []), layer.digest] },
    history: [
      ...(parentConfig?.history ?? []),
      {
        created,
        created_by: (rec.Config.Cmd ?? []).join(' '),
        ...(req.author ? { author: req.author } : {}),
        ...(req.comment ? { comment: req.comment } : {}),
      },
    ],
  };
  const layers: Descriptor[] = [...parentLayers, layer];
  const image = await writeImage(deps, { config: imageConfig, layers, name });
  const imageRef = name ? familiarString(parseNormalizedNamed(name)) : '';
  if (name) publishImageEvent(deps.events, image, 'tag', { name: imageRef });
  publishContainerEvent(deps.events, rec, 'commit', { comment: req.comment ?? '', imageID: image.id, imageRef });
  // dockerd reports its freeze as pause … commit … unpause.
  if (paused) publishContainerEvent(deps.events, rec, 'unpause');
  return image.id;
}

/** The image-relevant part of a container's config (what `docker commit` carries over). */
function runtimeConfig(rec: ContainerRecord): ImageRuntimeConfig {
  const c = rec.Config;
  const out: ImageRuntimeConfig = {
    ...(c.User ? { User: c.User } : {}),
    ...(c.ExposedPorts ? { ExposedPorts: c.ExposedPorts } : {}),
    Env: c.Env ?? [],
    Cmd: c.Cmd ?? null,
    ...(c.Volumes ? { Volumes: c.Volumes } : {}),
    WorkingDir: c.WorkingDir ?? '',
    Entrypoint: c.Entrypoint ?? null,
    Labels: c.Labels ?? null,
    ...(c.StopSignal ? { StopSignal: c.StopSignal } : {}),
  };
  return out;
}

/**
 * Runs `fn` with the container frozen when it is running and `pause` is set; it is resumed
 * afterwards whatever happens. A container the user paused stays paused.
 */
async function withPaused<T>(deps: ImageDeps, rec: ContainerRecord, pause: boolean, fn: () => Promise<T>): Promise<T> {
  if (!pause) return fn();
  // Intent first: a crash while frozen leaves it, and start-up thaws the container.
  await deps.intents.begin(PAUSE_INTENT, rec.Id, {});
  await deps.runtime.pause(rec.Id);
  publishContainerEvent(deps.events, rec, 'pause');
  try {
    crashPoint('commit:paused');
    return await fn();
  } finally {
    await deps.runtime.resume(rec.Id);
    await deps.intents.end(PAUSE_INTENT, rec.Id);
  }
}
