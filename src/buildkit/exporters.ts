import { packDir } from '../lib/archive/pack-dir.js';
import type { BuilderDeps } from '../builder/deps.js';
import { stepImageOf, withScratchSnapshot } from '../builder/step-image.js';
import type { Digest } from '../lib/digest.js';
import { invalidArgument, notFound } from '../lib/errdefs.js';
import { fullName, parseNormalizedNamed } from '../lib/reference.js';
import { saveImageAs } from '../services/images/save.js';
import { sendDirToClient, sendFileToClient } from './client-send.js';
import { exportImage, exporterNames, type ExporterEntry } from './export-image.js';
import type { BuildProgress } from './progress.js';
import type { Session } from './sessions.js';

/** BuildKit's exporters as berth has them (the moby worker's set: `moby`/`image` name the result in the store). */
const KNOWN = new Set(['moby', 'image', 'local', 'tar', 'docker', 'oci', 'cacheonly']);

/** BuildKit's progress vertex of each client exporter. */
const VERTEX: Record<string, string> = {
  local: 'exporting to client directory',
  tar: 'exporting to client tarball',
  docker: 'exporting to docker image format',
  oci: 'exporting to oci image format',
};

/** Refuses a Solve whose exporters berth does not have, before anything is built (BuildKit's message). */
export function checkExporters(exporters: ExporterEntry[]): void {
  for (const e of exporters) if (!KNOWN.has(e.Type)) throw invalidArgument(`exporter "${e.Type}" could not be found`);
}

/**
 * Runs a Solve's exporters on the build's image `id`, in order: `moby`/`image` name it in the
 * store; `local` sends its root filesystem as a directory and `tar` as a tar stream to the client
 * (`--output type=local|tar,dest=…`); `docker`/`oci` send the image as a `docker save`-format
 * archive (which is both a docker archive and an OCI layout); `cacheonly` does nothing. Returns
 * the exporter response buildx reads (`--iidfile`, `--metadata-file`).
 */
export async function runExporters(
  deps: BuilderDeps,
  session: () => Promise<Session>,
  progress: BuildProgress,
  id: Digest,
  exporters: ExporterEntry[],
): Promise<Record<string, string>> {
  checkExporters(exporters);
  let out: Record<string, string> = {};
  for (const [index, e] of exporters.entries()) {
    if (e.Type === 'moby' || e.Type === 'image') {
      out = { ...out, ...(await exportImage(deps.images, progress, id, e)) };
      continue;
    }
    if (e.Type === 'cacheonly') continue;
    const v = progress.vertex(VERTEX[e.Type]!);
    try {
      const s = await session();
      if (e.Type === 'local' || e.Type === 'tar') {
        await withResultRootfs(deps, id, async (root) => {
          if (e.Type === 'local') {
            const bytes = await sendDirToClient(s, index, root);
            v.status('copying files', bytes, 0, true);
            return;
          }
          const { stream, done } = packDir(root);
          const bytes = await sendFileToClient(s, index, {}, stream);
          await done;
          v.status('sending tarball', bytes, 0, true);
        });
      } else {
        v.status('exporting layers', 0, 0, true);
        const names = exporterNames(e).map((n) => fullName(parseNormalizedNamed(n)));
        const archive = await saveImageAs({ content: deps.images.content, images: deps.images.images }, id, names);
        const bytes = await sendFileToClient(s, index, { 'containerimage.digest': id }, archive);
        v.status('sending tarball', bytes, 0, true);
        out = { ...out, 'containerimage.config.digest': id, 'containerimage.digest': id };
      }
      v.complete();
    } catch (err) {
      v.complete({ error: err instanceof Error ? err.message : String(err) });
      throw err;
    }
  }
  return out;
}

/** The image's root filesystem, mounted read-only in effect (nothing writes it; its scratch snapshot is thrown away). */
async function withResultRootfs(deps: BuilderDeps, id: Digest, fn: (root: string) => Promise<void>): Promise<void> {
  const image = deps.images.images.get(id);
  if (image === undefined) throw notFound(`No such image: ${id}`);
  await withScratchSnapshot(deps.images, deps.scratch, await stepImageOf(deps.images, image), fn);
}
