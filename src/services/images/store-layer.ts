import { PassThrough, type Readable } from 'node:stream';
import type { ContentWriter } from '../../core/content.js';
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
 * diff ID) and unpacked by the snapshotter on top of `parentDiffIds` at the same time, the layer
 * named by the digest once the tar has been read (with `opts.unpack`, the snapshot is made after
 * the blob is stored instead). On an unpack failure a blob this call created is deleted again and
 * the error is rethrown (through `unpackError`).
 */
export async function storeLayer(
  deps: Pick<ImageDeps, 'content' | 'snapshotter'>,
  tar: AsyncIterable<unknown>,
  parentDiffIds: Digest[],
  opts: StoreLayerOptions = {},
): Promise<Descriptor> {
  const unpackError = opts.unpackError ?? ((e: Error): Error => e);
  const parent = chainIds(parentDiffIds).at(-1) ?? null;
  const chainOf = (digest: Digest): string => chainIds([...parentDiffIds, digest]).at(-1)!;
  const writer = await deps.content.writer();
  if (opts.unpack !== undefined) {
    await writeAll(writer, tar);
    const existed = (await deps.content.info(writer.digest())) !== undefined;
    const layer = await writer.commit();
    const chain = chainOf(layer.digest);
    try {
      if (!(await deps.snapshotter.hasLayer(chain)) && !(await opts.unpack(chain))) {
        await deps.snapshotter.applyLayer(chain, parent, deps.content.readStream(layer.digest) as Readable);
      }
    } catch (err) {
      if (!existed) await deps.content.delete(layer.digest);
      throw unpackError(err as Error);
    }
    return { mediaType: MEDIA_TYPE.ociLayer, digest: layer.digest, size: layer.size };
  }

  // The unpacker reads a copy of the stream; it asks for the layer's name when it has unpacked
  // the tar (and may stop reading at the tar's end marker: what follows is only stored).
  const copy = new PassThrough({ highWaterMark: 1 << 20 });
  copy.on('error', () => undefined); // the unpacker reports its own failure
  let name!: (chain: string) => void;
  let unnamed!: (err: Error) => void;
  const named = new Promise<string>((resolve, reject) => ((name = resolve), (unnamed = reject)));
  named.catch(() => undefined); // rejected on a failure, when the unpacker may never have asked
  let unpacked = false;
  let failure: Error | undefined;
  let wake = (): void => undefined;
  const unpacking = deps.snapshotter.applyLayer(
    () => {
      unpacked = true;
      copy.resume();
      wake();
      return named;
    },
    parent,
    copy,
  );
  unpacking.catch((err: Error) => {
    failure = err;
    wake();
  });
  let layer: { digest: Digest; size: number };
  let existed: boolean;
  try {
    for await (const chunk of tar) {
      await writer.write(chunk as Buffer);
      if (failure) throw failure;
      if (!unpacked && !copy.write(chunk)) await new Promise<void>((resolve) => ((wake = resolve), copy.once('drain', resolve)));
      if (failure) throw failure;
    }
    copy.end();
    existed = (await deps.content.info(writer.digest())) !== undefined;
    layer = await writer.commit();
  } catch (err) {
    copy.destroy(err as Error);
    unnamed(err as Error);
    await writer.abort().catch(() => undefined);
    await unpacking.catch(() => undefined);
    throw err === failure ? unpackError(err as Error) : err;
  }
  name(chainOf(layer.digest));
  try {
    await unpacking;
  } catch (err) {
    if (!existed) await deps.content.delete(layer.digest);
    throw unpackError(err as Error);
  }
  return { mediaType: MEDIA_TYPE.ociLayer, digest: layer.digest, size: layer.size };
}

async function writeAll(writer: ContentWriter, tar: AsyncIterable<unknown>): Promise<void> {
  try {
    for await (const chunk of tar) await writer.write(chunk as Buffer);
  } catch (err) {
    await writer.abort();
    throw err;
  }
}
