import type { Readable } from 'node:stream';
import { invalidArgument } from '../../core/errdefs.js';
import type { ImageConfigBlob } from '../../core/images.js';
import { decompress, looksLikeTar, peek } from '../../lib/archive/decompress.js';
import type { Digest } from '../../lib/digest.js';
import { MEDIA_TYPE, type OciManifest } from '../../lib/oci/image-spec.js';
import { familiarString, fullName, parseNormalizedNamed } from '../../lib/reference.js';
import { nowRfc3339Nano } from '../../lib/time.js';
import { applyChanges } from './changes.js';
import type { ImageDeps } from './deps.js';

export interface ImportRequest {
  source: Readable;
  /** `repo` or `repo:tag` (the docker CLI sends the whole reference as repo). */
  repo?: string;
  tag?: string;
  message?: string;
  changes?: string[];
  /** Shown in history (`-` for stdin, a URL, or a file name). */
  sourceName: string;
}

/**
 * `docker import`: one filesystem tar (optionally compressed) becomes a one-layer image.
 * The layer is stored uncompressed (its digest is its diff ID), unpacked into a snapshot,
 * then config, manifest and name are written — the name last, so a failure leaves no image.
 */
export async function importImage(deps: ImageDeps, req: ImportRequest): Promise<Digest> {
  const name = req.repo ? fullName(parseNormalizedNamed(req.tag ? `${req.repo}:${req.tag}` : req.repo)) : undefined;
  const config = applyChanges({}, req.changes ?? []);
  const plain = await decompress(req.source);
  const { head, stream } = await peek(plain, 512);
  if (!looksLikeTar(head)) {
    stream.destroy();
    throw invalidArgument('archive/tar: invalid tar header: the input is not a tar archive');
  }

  const writer = await deps.content.writer();
  try {
    for await (const chunk of stream) await writer.write(chunk as Buffer);
  } catch (err) {
    await writer.abort();
    throw err;
  }
  const existed = (await deps.content.info(writer.digest())) !== undefined;
  const layer = await writer.commit();
  const diffId = layer.digest;
  try {
    if (!(await deps.snapshotter.hasLayer(diffId))) {
      await deps.snapshotter.applyLayer(diffId, null, deps.content.readStream(diffId));
    }
  } catch (err) {
    if (!existed) await deps.content.delete(diffId);
    throw invalidArgument(`failed to unpack the imported layer: ${(err as Error).message}`);
  }

  const created = nowRfc3339Nano();
  const imageConfig: ImageConfigBlob = {
    architecture: 'amd64',
    os: 'linux',
    created,
    config,
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created, created_by: `Imported from ${req.sourceName}`, ...(req.message ? { comment: req.message } : {}) }],
    ...(req.message ? { comment: req.message } : {}),
  };
  const configBlob = await deps.content.put(JSON.stringify(imageConfig));
  const manifest: OciManifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPE.ociManifest,
    config: { mediaType: MEDIA_TYPE.ociConfig, digest: configBlob.digest, size: configBlob.size },
    layers: [{ mediaType: MEDIA_TYPE.ociLayer, digest: diffId, size: layer.size }],
  };
  const manifestBlob = await deps.content.put(JSON.stringify(manifest));
  await deps.images.add({ id: configBlob.digest, names: name ? [name] : [], manifestDigest: manifestBlob.digest, config: imageConfig, size: layer.size });
  deps.events.publish('image', 'import', configBlob.digest, name ? { name: familiarString(parseNormalizedNamed(name)) } : {});
  return configBlob.digest;
}
