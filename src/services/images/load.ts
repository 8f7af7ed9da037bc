import type { Platform } from './pull-platform.js';
import { publishImageEvent } from './events.js';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { invalidArgument, isDiskFull } from '../../lib/errdefs.js';
import { decompress } from '../../lib/archive/decompress.js';
import { chainIds, sha256, type Digest } from '../../lib/digest.js';
import { MEDIA_TYPE, type OciManifest } from '../../lib/oci/image-spec.js';
import { familiarString, parseNormalizedNamed } from '../../lib/reference.js';
import type { ImageDeps } from './deps.js';
import { planLoad, type ImagePlan } from './load-plan.js';
import { spoolArchive, type SpooledFile } from './load-spool.js';
import { mkdirp } from '../../lib/atomic-file.js';
import type { ImageData } from './remove.js';
import { crashPoint } from '../../lib/crash-point.js';

/** What `load` reports as it goes; the API turns these into Docker's JSON progress lines. */
export type LoadEvent = { kind: 'layer'; id: string; current: number; total: number } | { kind: 'message'; text: string };

export interface LoadRequest {
  source: Readable;
  /** A private scratch directory root on the data root's filesystem. */
  scratch: string;
  onEvent?: (e: LoadEvent) => void;
  /** `load --platform`: only these platforms' images (all when empty). */
  platforms?: Platform[];
}

/** Undo steps for what this load created, run newest first when it fails. */
type Rollback = Array<() => Promise<void>>;

/** Intent kind (lib/intents): a load in progress, with every layer and blob it may store (remove.ts's ImageData). */
export const LOAD_INTENT = 'image-load';

/**
 * `docker load`: a docker-archive or OCI archive (plain, gzip, bzip2, xz or zstd) becomes images.
 * The archive is spooled into a scratch dir (never unpacked by its own names), its manifests are
 * checked against what it holds, every layer is decompressed and checked against the config's
 * diff IDs on its way into the content store, then snapshots are applied. Names are set only once
 * every image is complete, and a failure removes the blobs and snapshots this load created: a
 * failed load stores no image.
 */
export async function loadImages(deps: ImageDeps, req: LoadRequest): Promise<string[]> {
  await mkdirp(req.scratch, 0o700);
  const dir = await mkdtemp(join(req.scratch, 'load-'));
  const intentId = basename(dir);
  const rollback: Rollback = [];
  try {
    const spool = await spoolArchive(await decompress(req.source), dir);
    crashPoint('load:spooled');
    const plans = await planLoad(spool, req.platforms);
    // Intent first: what this load may store, so that start-up removes it when a crash leaves it unnamed.
    const intent: ImageData = {
      chain: plans.flatMap((p) => chainIds(p.config.rootfs.diff_ids).reverse()),
      blobs: plans.flatMap((p) => [p.configFile.digest, ...p.config.rootfs.diff_ids]),
    };
    await deps.intents.begin(LOAD_INTENT, intentId, intent);
    const stored: Array<{ plan: ImagePlan; id: Digest; manifestDigest: Digest; size: number }> = [];
    for (const plan of plans) {
      stored.push({ plan, ...(await storeImage(deps, plan, rollback, req.onEvent)) });
      intent.blobs.push(stored.at(-1)!.manifestDigest);
      await deps.intents.begin(LOAD_INTENT, intentId, intent);
      crashPoint('load:stored');
    }
    const messages: string[] = [];
    for (const { plan, id, manifestDigest, size } of stored) {
      for (const name of plan.names) {
        const old = deps.images.resolve(name);
        if (old !== undefined && old.id !== id) {
          messages.push(`The image ${familiar(name)} already exists, renaming the old one with ID ${old.id} to empty string`);
        }
      }
      await deps.images.add({ id, names: plan.names, manifestDigest, config: plan.config, size });
      publishImageEvent(deps.events, deps.images.get(id), 'load');
      messages.push(...(plan.names.length > 0 ? plan.names.map((n) => `Loaded image: ${familiar(n)}`) : [`Loaded image ID: ${id}`]));
    }
    for (const text of messages) req.onEvent?.({ kind: 'message', text });
    return messages;
  } catch (err) {
    for (const undo of rollback.reverse()) await undo().catch(() => undefined);
    throw err;
  } finally {
    await rm(dir, { recursive: true, force: true });
    await deps.intents.end(LOAD_INTENT, intentId);
  }
}

const familiar = (name: string): string => familiarString(parseNormalizedNamed(name));

async function storeImage(
  deps: ImageDeps,
  plan: ImagePlan,
  rollback: Rollback,
  onEvent?: (e: LoadEvent) => void,
): Promise<{ id: Digest; manifestDigest: Digest; size: number }> {
  const diffIds = plan.config.rootfs.diff_ids;
  if (diffIds.length !== plan.layers.length) {
    throw invalidArgument(`invalid archive: image ${plan.configFile.digest} has ${plan.layers.length} layers but its config lists ${diffIds.length}`);
  }
  const chain = chainIds(diffIds);
  const sizes: number[] = [];
  // Where the snapshotter allows it (overlay), the layers unpack side by side, each committed
  // only after its parent (its name is given once the parent is in place).
  const together = deps.snapshotter.unpacksBeforeParent === true;
  const unpacking: Array<Promise<void>> = [];
  let parentDone: Promise<unknown> = Promise.resolve();
  try {
    for (let i = 0; i < diffIds.length; i++) {
      sizes.push(await storeLayer(deps, plan.layers[i]!, diffIds[i]!, rollback, onEvent));
      if (await deps.snapshotter.hasLayer(chain[i]!)) continue;
      const after = parentDone;
      const done = deps.snapshotter.applyLayer(() => after.then(() => chain[i]!), i === 0 ? null : chain[i - 1]!, deps.content.readStream(diffIds[i]!));
      done.catch(() => undefined); // awaited below; a failure must not go unobserved meanwhile
      rollback.push(() => deps.snapshotter.removeLayer(chain[i]!));
      unpacking.push(done);
      parentDone = done;
      if (!together) await done;
    }
  } finally {
    // Nothing is rolled back while a layer is still being written.
    await Promise.allSettled(unpacking);
  }
  await Promise.all(unpacking);
  const config = await putFile(deps, plan.configFile, rollback);
  const manifest: OciManifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPE.ociManifest,
    config: { mediaType: MEDIA_TYPE.ociConfig, digest: config, size: plan.configFile.size },
    layers: diffIds.map((d, i) => ({ mediaType: MEDIA_TYPE.ociLayer, digest: d, size: sizes[i]! })),
  };
  const manifestBlob = await putNew(deps, Buffer.from(JSON.stringify(manifest)), rollback);
  return { id: config, manifestDigest: manifestBlob, size: sizes.reduce((a, b) => a + b, 0) };
}

/** Decompresses one layer into the content store; its digest must be the config's diff ID. */
async function storeLayer(deps: ImageDeps, f: SpooledFile, diffId: Digest, rollback: Rollback, onEvent?: (e: LoadEvent) => void): Promise<number> {
  const id = diffId.slice(7, 19);
  const have = await deps.content.info(diffId);
  if (have !== undefined) {
    onEvent?.({ kind: 'layer', id, current: f.size, total: f.size });
    return have.size;
  }
  if (f.digest === diffId && deps.content.adopt !== undefined) {
    // An uncompressed layer (what `docker save` writes): its spool file, hashed as it was
    // written, becomes the blob as it is — the data is written once here, not twice.
    const info = await deps.content.adopt(f.file, diffId);
    rollback.push(() => deps.content.delete(diffId));
    onEvent?.({ kind: 'layer', id, current: f.size, total: f.size });
    return info.size;
  }
  const writer = await deps.content.writer();
  const raw = createReadStream(f.file);
  try {
    let read = 0;
    raw.on('data', (c: Buffer | string) => {
      read += c.length;
      onEvent?.({ kind: 'layer', id, current: read, total: f.size });
    });
    for await (const chunk of await decompress(raw)) await writer.write(chunk as Buffer);
  } catch (err) {
    await writer.abort();
    if (isDiskFull(err)) throw err; // not the archive's fault
    throw invalidArgument(`invalid archive: layer ${diffId}: ${(err as Error).message}`);
  } finally {
    raw.destroy(); // decompress pipes it on: ending the decompressed side leaves it open
  }
  if (writer.digest() !== diffId) {
    const got = writer.digest();
    await writer.abort();
    throw invalidArgument(`invalid archive: layer digest mismatch: the config says ${diffId}, the layer is ${got}`);
  }
  const info = await writer.commit(diffId);
  rollback.push(() => deps.content.delete(diffId));
  return info.size;
}

/** Stores a spooled file whose digest is already known (the config: its digest is the image ID). */
async function putFile(deps: ImageDeps, f: SpooledFile, rollback: Rollback): Promise<Digest> {
  if ((await deps.content.info(f.digest)) !== undefined) return f.digest;
  const writer = await deps.content.writer();
  try {
    for await (const chunk of createReadStream(f.file)) await writer.write(chunk as Buffer);
  } catch (err) {
    await writer.abort();
    throw err;
  }
  await writer.commit(f.digest);
  rollback.push(() => deps.content.delete(f.digest));
  return f.digest;
}

async function putNew(deps: ImageDeps, data: Buffer, rollback: Rollback): Promise<Digest> {
  const digest = sha256(data);
  if ((await deps.content.info(digest)) !== undefined) return digest;
  await deps.content.put(data);
  rollback.push(() => deps.content.delete(digest));
  return digest;
}
