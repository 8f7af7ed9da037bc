import { publishImageEvent } from './events.js';
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { invalidArgument, notFound, unavailable } from '../../lib/errdefs.js';
import type { Image, ImageConfigBlob } from '../../core/images.js';
import { decompress } from '../../lib/archive/decompress.js';
import { chainIds, type Digest } from '../../lib/digest.js';
import { MEDIA_TYPE, type Descriptor, type OciIndex, type OciManifest } from '../../lib/oci/image-spec.js';
import { familiarRepository, familiarString, fullName, parseNormalizedNamed, type Reference } from '../../lib/reference.js';
import type { AuthConfig, RegistryClient, RemoteRepository } from '../../core/registry.js';
import { fetchBlob, recordSource } from './blob-fetch.js';
import type { ImageDeps } from './deps.js';
import { DEFAULT_PLATFORM, selectManifest, type Platform } from './pull-platform.js';

export type PullDeps = ImageDeps & { registry: RegistryClient };

/** What a pull reports; the API turns these into Docker's JSON progress lines. */
export type PullEvent = { id?: string; status: string; current?: number; total?: number };

export interface PullRequest {
  /** `repo`, `repo:tag`, `repo@digest` (as in `fromImage`, with `tag` folded in). */
  ref: string;
  all?: boolean;
  platform?: Platform;
  auth?: AuthConfig;
  onEvent?: (e: PullEvent) => void;
}

/**
 * The largest image config a pull takes (it is parsed in memory). Neither Docker nor containerd
 * caps configs by themselves; real ones are kilobytes (busybox ≈ 0.6 KiB, large official images
 * < 100 KiB), so twice the manifest limit is far above any image and bounds berthd's memory.
 */
export const MAX_CONFIG_BYTES = 8 << 20;

/** Docker's default `max-concurrent-downloads`. */
const DEFAULT_DOWNLOADS = 3;

/** `docker pull`: resolves tags (all of them with `all`), pulls each, names it, reports progress. */
export async function pullImage(deps: PullDeps, req: PullRequest): Promise<void> {
  const ref = parseNormalizedNamed(req.ref);
  const emit = req.onEvent ?? (() => undefined);
  const repo = await deps.registry.repository({ domain: ref.domain, name: ref.path, auth: req.auth, probe: ref.digest ?? ref.tag ?? 'latest' });
  if (req.all) {
    const tags = await repo.tags().catch((err: Error) => {
      throw wrapNotFound(err, ref);
    });
    for (const tag of tags) await pullOne(deps, repo, { ...ref, tag, digest: undefined }, req.platform ?? DEFAULT_PLATFORM, emit);
    emit({ status: `Status: Downloaded newer image for ${familiarRepository(ref)}` });
    return;
  }
  const outcome = await pullOne(deps, repo, ref, req.platform ?? DEFAULT_PLATFORM, emit);
  emit({ status: `Status: ${outcome === 'new' ? 'Downloaded newer image' : 'Image is up to date'} for ${familiarString(ref)}` });
}

function wrapNotFound(err: Error, ref: Reference): Error {
  if ((err as { kind?: string }).kind === 'NotFound') {
    return notFound(`manifest for ${familiarString(ref)} not found: ${err.message}`);
  }
  return err;
}

async function pullOne(deps: PullDeps, repo: RemoteRepository, ref: Reference, platform: Platform, emit: (e: PullEvent) => void): Promise<'new' | 'same'> {
  const reference = ref.digest ?? ref.tag!;
  const top = await repo.manifest(reference).catch((err: Error) => {
    throw wrapNotFound(err, ref);
  });
  let fetched = top;
  if (top.mediaType === MEDIA_TYPE.ociIndex || top.mediaType === MEDIA_TYPE.dockerManifestList) {
    const index = JSON.parse(top.bytes.toString()) as OciIndex;
    const desc = selectManifest(index.manifests, platform, familiarString(ref));
    fetched = await repo.manifest(desc.digest);
  } else if (top.mediaType !== MEDIA_TYPE.ociManifest && top.mediaType !== MEDIA_TYPE.dockerManifest) {
    throw invalidArgument(`unsupported manifest media type ${top.mediaType} for ${familiarString(ref)}`);
  }
  const manifest = JSON.parse(fetched.bytes.toString()) as OciManifest;
  emit({ id: ref.digest ?? ref.tag, status: `Pulling from ${familiarRepository(ref).replace(/^[^/]*\.[^/]*\//, '')}` });

  const cfgSize = manifest.config?.size;
  if (!(cfgSize > 0 && cfgSize <= MAX_CONFIG_BYTES)) {
    throw invalidArgument(`invalid image ${familiarString(ref)}: config size ${cfgSize} is not within 1…${MAX_CONFIG_BYTES} bytes`);
  }
  await fetchBlob(deps.content, repo, manifest.config.digest, cfgSize, () => undefined);
  const config = JSON.parse((await deps.content.read(manifest.config.digest)).toString()) as ImageConfigBlob;
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== manifest.layers.length)
    throw invalidArgument(`invalid image ${familiarString(ref)}: ${manifest.layers.length} layers but ${diffIds.length} diff IDs`);
  const source = `${ref.domain}/${ref.path}`;
  const sizes = await pullLayers(deps, repo, manifest.layers, diffIds, emit, source);

  const before = deps.images.resolve(fullName(ref));
  await deps.content.put(fetched.bytes);
  if (top !== fetched) await deps.content.put(top.bytes);
  // Named by tag and by the digest the registry gave for it (`repo@digest`, of the index for a
  // multi-platform image: Docker's RepoDigests); a pull by digest is named by that digest alone.
  // Layers already present count 0 in `sizes`: an image pulled again keeps the size it has.
  const size = deps.images.get(manifest.config.digest)?.size ?? sizes.reduce((a, b) => a + b, 0);
  const names = ref.digest !== undefined ? [fullName(ref)] : [fullName(ref), fullName({ ...ref, tag: undefined, digest: top.digest })];
  const image: Image = { id: manifest.config.digest, names, manifestDigest: fetched.digest, config, size };
  await deps.images.add(image);
  publishImageEvent(deps.events, image, 'pull', { id: familiarString(ref), name: familiarString(ref) });
  emit({ status: `Digest: ${top.digest}` });
  return before?.id === image.id ? 'same' : 'new';
}

/**
 * Downloads every layer in parallel (at most `max-concurrent-downloads` at once) and unpacks them in order
 * as soon as each one and all below it are in the content store. Returns uncompressed sizes.
 */
async function pullLayers(
  deps: PullDeps,
  repo: RemoteRepository,
  layers: Descriptor[],
  diffIds: Digest[],
  emit: (e: PullEvent) => void,
  source: string,
): Promise<number[]> {
  const chain = chainIds(diffIds);
  const have = await Promise.all(chain.map((c) => deps.snapshotter.hasLayer(c)));
  const ids = layers.map((l) => l.digest.slice(7, 19));
  for (let i = 0; i < layers.length; i++) emit({ id: ids[i], status: have[i] ? 'Already exists' : 'Pulling fs layer' });

  let next = 0;
  const downloads: Array<Promise<void>> = new Array(layers.length);
  const starters: Array<() => Promise<void>> = [];
  const slot = async (): Promise<void> => {
    while (next < layers.length) {
      const i = next++;
      if (have[i]) continue;
      await starters[i]!();
    }
  };
  for (let i = 0; i < layers.length; i++) {
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    downloads[i] = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    downloads[i]!.catch(() => undefined);
    const l = layers[i]!;
    starters[i] = async () => {
      try {
        let last = 0;
        await fetchBlob(deps.content, repo, l.digest, l.size, (n, total) => {
          if (n - last < Math.max(32 * 1024, total / 100) && n < total) return;
          last = n;
          emit({ id: ids[i], status: 'Downloading', current: n, total });
        });
        recordSource(deps.content, l.digest, source);
        emit({ id: ids[i], status: 'Verifying Checksum' });
        emit({ id: ids[i], status: 'Download complete' });
        resolve();
      } catch (err) {
        reject(err);
      }
    };
  }
  const workers = Promise.all(Array.from({ length: Math.min(deps.limits?.downloads ?? DEFAULT_DOWNLOADS, layers.length) }, slot));
  workers.catch(() => undefined);

  // Each layer unpacks as soon as it is downloaded; its tar stream ends only once the layer
  // below is committed. Snapshotters that read the parent up front get a strict sequence instead.
  const parallel = deps.snapshotter.unpacksBeforeParent === true;
  const applied: Array<Promise<number>> = [];
  for (let i = 0; i < layers.length; i++) {
    const below: Promise<unknown> = i === 0 ? Promise.resolve() : applied[i - 1]!;
    const ready = parallel ? downloads[i]! : Promise.all([downloads[i]!, below]);
    applied.push(
      have[i]
        ? below.then(() => 0)
        : ready.then(async () => {
            const size = await unpack(deps, layers[i]!, diffIds[i]!, chain[i]!, i === 0 ? null : chain[i - 1]!, below, (n, total) =>
              emit({ id: ids[i], status: 'Extracting', current: n, total }),
            );
            await below;
            emit({ id: ids[i], status: 'Pull complete' });
            return size;
          }),
    );
    applied[i]!.catch(() => undefined);
  }
  const settled = await Promise.allSettled(applied);
  const failed = settled.find((r) => r.status === 'rejected');
  await workers.catch(() => undefined);
  if (failed) throw (failed as PromiseRejectedResult).reason;
  await workers;
  const sizes = settled.map((r) => (r as PromiseFulfilledResult<number>).value);
  return sizes;
}

/** Unpacks one verified blob; the uncompressed stream must hash to the config's diff ID. */
async function unpack(
  deps: PullDeps,
  layer: Descriptor,
  diffId: Digest,
  chainId: Digest,
  parent: Digest | null,
  parentDone: Promise<unknown>,
  onProgress: (n: number, total: number) => void,
): Promise<number> {
  let read = 0;
  let lastShown = 0;
  const raw = deps.content.readStream(layer.digest);
  raw.on('data', (c: Buffer | string) => {
    read += c.length;
    if (read - lastShown >= Math.max(64 * 1024, layer.size / 50) || read === layer.size) {
      lastShown = read;
      onProgress(read, layer.size);
    }
  });
  const plain = await decompress(raw as Readable);
  const hash = createHash('sha256');
  let size = 0;
  const verify = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
    flush(cb) {
      const got: Digest = `sha256:${hash.digest('hex')}`;
      if (got !== diffId) return cb(invalidArgument(`layer ${layer.digest}: the uncompressed content is ${got}, the image config says ${diffId}`));
      // The stream ends (and the snapshotter commits) only after the parent is committed.
      parentDone.then(
        () => cb(),
        (err: Error) => cb(err),
      );
    },
  });
  plain.on('error', (err) => verify.destroy(err));
  plain.pipe(verify);
  // The extractor may stop at the tar's end marker: drain the rest so the diff ID check always runs.
  const checked = finished(verify);
  checked.catch(() => undefined);
  if (await deps.snapshotter.hasLayer(chainId)) {
    verify.resume();
    await checked;
    return size;
  }
  try {
    await deps.snapshotter.applyLayer(chainId, parent, verify);
    verify.resume();
    await checked;
  } catch (err) {
    await deps.snapshotter.removeLayer(chainId).catch(() => undefined);
    if ((err as { kind?: string }).kind === 'InvalidArgument') throw err;
    throw unavailable(`failed to register layer: ${(err as Error).message}`);
  }
  return size;
}
