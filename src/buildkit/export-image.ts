import type { ImageDeps } from '../services/images/deps.js';
import { tagImage } from '../services/images/tag.js';
import type { Digest } from '../lib/digest.js';
import { fullName, parseNormalizedNamed, repositoryName } from '../lib/reference.js';
import type { BuildProgress } from './progress.js';

/** An exporter a Solve names (`--output type=…`; buildx's docker driver sends `moby` for `--load`). */
export interface ExporterEntry {
  Type: string;
  Attrs: Record<string, string>;
}

/** The names in an exporter's `name=` attribute (comma-separated; buildx's `-t`). */
export function exporterNames(e: ExporterEntry): string[] {
  return (e.Attrs['name'] ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
}

/**
 * The `moby`/`image` exporter (berth's store is the engine's: the image is there already): the
 * names in `name=` are tagged, with BuildKit's `exporting to image` progress. Returns the exporter
 * response buildx reads (`--iidfile`, `--metadata-file`).
 */
export async function exportImage(deps: ImageDeps, progress: BuildProgress, id: Digest, e: ExporterEntry): Promise<Record<string, string>> {
  const refs = exporterNames(e).map((n) => parseNormalizedNamed(n));
  const v = progress.vertex('exporting to image');
  v.status('exporting layers', 0, 0, true);
  v.status(`writing image ${id}`, 0, 0, true);
  for (const r of refs) {
    v.status(`naming to ${fullName(r)}`, 0, 0, false);
    await tagImage(deps, id, repositoryName(r), r.tag);
    v.status(`naming to ${fullName(r)}`, 0, 0, true);
  }
  v.complete();
  return { ...(await imageResponse(deps, id)), ...(refs.length > 0 ? { 'image.name': refs.map(fullName).join(',') } : {}) };
}

/**
 * The exporter response of an image, as dockerd's moby exporter gives it (the image is its
 * config): its digest, and its descriptor as base64 JSON (buildx decodes it into `--metadata-file`).
 */
export async function imageResponse(deps: ImageDeps, id: Digest): Promise<Record<string, string>> {
  const size = (await deps.content.read(id)).length;
  const descriptor = { mediaType: 'application/vnd.docker.container.image.v1+json', digest: id, size };
  return {
    'containerimage.config.digest': id,
    'containerimage.digest': id,
    'containerimage.descriptor': Buffer.from(JSON.stringify(descriptor)).toString('base64'),
  };
}
