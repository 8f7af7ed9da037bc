import { DEFAULT_PLATFORM, type Platform } from './pull-platform.js';
import { publishImageEvent } from './events.js';
import type { Readable } from 'node:stream';
import { invalidArgument } from '../../lib/errdefs.js';
import type { ImageConfigBlob } from '../../core/images.js';
import { decompress, looksLikeTar, peek } from '../../lib/archive/decompress.js';
import type { Digest } from '../../lib/digest.js';
import { familiarString, fullName, parseNormalizedNamed } from '../../lib/reference.js';
import { nowRfc3339Nano } from '../../lib/time.js';
import { applyChanges } from './changes.js';
import type { ImageDeps } from './deps.js';
import { storeLayer } from './store-layer.js';
import { writeImage } from './write-image.js';

export interface ImportRequest {
  source: Readable;
  /** `repo` or `repo:tag` (the docker CLI sends the whole reference as repo). */
  repo?: string;
  tag?: string;
  message?: string;
  changes?: string[];
  /** Shown in history (`-` for stdin, a URL, or a file name). */
  sourceName: string;
  /** `import --platform`: the image's OS and architecture (the host's, linux/amd64, when unset). */
  platform?: Platform;
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

  const layer = await storeLayer(deps, stream, [], { unpackError: (err) => invalidArgument(`failed to unpack the imported layer: ${err.message}`) });
  const diffId = layer.digest;

  const created = nowRfc3339Nano();
  // Docker records the source as the comment (of the image and of its one history entry), not as CreatedBy.
  const comment = req.message || `Imported from ${req.sourceName}`;
  const imageConfig: ImageConfigBlob = {
    architecture: req.platform?.architecture ?? DEFAULT_PLATFORM.architecture,
    os: req.platform?.os ?? DEFAULT_PLATFORM.os,
    ...(req.platform?.variant ? { variant: req.platform.variant } : {}),
    created,
    config,
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created, comment }],
    comment,
  };
  const image = await writeImage(deps, { config: imageConfig, layers: [layer], name });
  if (name) publishImageEvent(deps.events, image, 'tag', { name: familiarString(parseNormalizedNamed(name)) });
  publishImageEvent(deps.events, image, 'import');
  return image.id;
}
