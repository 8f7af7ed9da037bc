import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { unmountAllUnder } from '../../lib/fs/mounts.js';
import { PAUSE_INTENT } from './commit.js';
import type { ImageDeps } from './deps.js';
import { DELETE_INTENT, releaseImageData, type ImageData } from './remove.js';
import { LOAD_INTENT } from './load.js';

const short = (id: string): string => id.slice(0, 12);

/**
 * Start-up, before the containers are reconciled and before the API serves: what image
 * operations a crash cut short is finished —
 *   - an `rmi` whose record went, a `load` that stored and did not name: the layers and blobs
 *     they name that no image uses are removed;
 *   - a commit that froze its container: the container is thawed (unless the user paused it);
 *   - the scratch dir (`load-*` spools, `build-context-*`, build mounts) is emptied.
 */
export async function recoverImageOps(deps: ImageDeps, report: (msg: string) => void): Promise<void> {
  for (const { kind, id, data } of await deps.intents.pending()) {
    if (kind === DELETE_INTENT || kind === LOAD_INTENT) {
      const gone = await releaseImageData(deps, data as ImageData);
      const what = kind === DELETE_INTENT ? `of deleted image ${short(id)} (rmi cut short)` : `that ${id} stored and never named (load cut short)`;
      report(`removed ${gone.layers} layers and ${gone.blobs} blobs ${what}`);
    } else if (kind === PAUSE_INTENT) {
      const rec = deps.containers.find(id);
      const state = rec?.Id === id ? await deps.runtime.state(id) : undefined;
      if (rec !== undefined && state?.status === 'paused' && rec.State.Status !== 'paused') {
        await deps.runtime.resume(id);
        report(`resumed container ${short(id)} (commit cut short while it was paused)`);
      }
    } else continue;
    await deps.intents.end(kind, id);
  }
  const names = await readdir(deps.scratch).catch(() => [] as string[]);
  if (names.length > 0) await unmountAllUnder(deps.scratch);
  for (const name of names) {
    await rm(join(deps.scratch, name), { recursive: true, force: true });
    report(`removed tmp/${name} (${name.startsWith('load-') ? 'load' : name.startsWith('build-') ? 'build' : 'operation'} cut short)`);
  }
}
