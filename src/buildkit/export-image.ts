import type { ImageDeps } from '../services/images/deps.js';
import { tagImage } from '../services/images/tag.js';
import type { Digest } from '../lib/digest.js';
import { notImplemented } from '../lib/errdefs.js';
import { fullName, parseNormalizedNamed, repositoryName } from '../lib/reference.js';
import type { BuildProgress } from './progress.js';

/** An exporter a Solve names (`--output type=…`; buildx's docker driver sends `moby` for `--load`). */
export interface ExporterEntry {
  Type: string;
  Attrs: Record<string, string>;
}

/** The exporters berth has: the result is already in the image store; these name it. */
const IMAGE_EXPORTERS = new Set(['moby', 'image']);

/**
 * Exports a build's image: for `moby`/`image` (berth's store is the engine's) the names in
 * `name=` (comma-separated) are tagged, with BuildKit's `exporting to image` progress. Returns
 * the exporter response buildx reads (`--iidfile`, `--metadata-file`).
 */
export async function exportImage(deps: ImageDeps, progress: BuildProgress, id: Digest, exporters: ExporterEntry[]): Promise<Record<string, string>> {
  for (const e of exporters) {
    if (!IMAGE_EXPORTERS.has(e.Type)) throw notImplemented(`exporter "${e.Type}" is not supported by berth's builder (use --load or --output type=image)`);
  }
  const names = exporters.flatMap((e) =>
    (e.Attrs['name'] ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean),
  );
  const refs = names.map((n) => parseNormalizedNamed(n));
  const v = progress.vertex('exporting to image');
  v.status('exporting layers', 0, 0, true);
  v.status(`writing image ${id}`, 0, 0, true);
  for (const r of refs) {
    v.status(`naming to ${fullName(r)}`, 0, 0, false);
    await tagImage(deps, id, repositoryName(r), r.tag);
    v.status(`naming to ${fullName(r)}`, 0, 0, true);
  }
  v.complete();
  const out: Record<string, string> = { 'containerimage.config.digest': id, 'containerimage.digest': id };
  if (refs.length > 0) out['image.name'] = refs.map(fullName).join(',');
  return out;
}
