import type { Readable } from 'node:stream';
import { chainIds, type Digest } from '../../lib/digest.js';
import { MEDIA_TYPE, type Descriptor } from '../../lib/oci/image-spec.js';
import type { ImageDeps } from './deps.js';

export interface StoreLayerOptions {
  /** Wraps an unpack failure. */
  unpackError?: (err: Error) => Error;
  /**
   * Makes the snapshot instead of unpacking the stored blob (a build step commits the upper dir
   * it packed the tar from); resolves false to have the blob unpacked after all.
   */
  unpack?: (chainId: string) => Promise<boolean>;
}

/**
 * Stores one uncompressed layer tar: streamed into the content store (so its digest is its
 * diff ID), then unpacked by the snapshotter on top of `parentDiffIds`. On an unpack failure a
 * blob this call created is deleted again and the error is rethrown (through `unpackError`).
 */
export async function storeLayer(deps: Pick<ImageDeps, 'content' | 'snapshotter'>, tar: AsyncIterable<unknown>, parentDiffIds: Digest[], opts: StoreLayerOptions = {}): Promise<Descriptor> {
  const unpackError = opts.unpackError ?? ((e: Error): Error => e);
  const writer = await deps.content.writer();
  try {
    for await (const chunk of tar) await writer.write(chunk as Buffer);
  } catch (err) {
    await writer.abort();
    throw err;
  }
  const existed = (await deps.content.info(writer.digest())) !== undefined;
  const layer = await writer.commit();
  const parent = chainIds(parentDiffIds).at(-1) ?? null;
  const chain = chainIds([...parentDiffIds, layer.digest]).at(-1)!;
  try {
    if (!(await deps.snapshotter.hasLayer(chain)) && !(await opts.unpack?.(chain))) {
      await deps.snapshotter.applyLayer(chain, parent, deps.content.readStream(layer.digest) as Readable);
    }
  } catch (err) {
    if (!existed) await deps.content.delete(layer.digest);
    throw unpackError(err as Error);
  }
  return { mediaType: MEDIA_TYPE.ociLayer, digest: layer.digest, size: layer.size };
}
