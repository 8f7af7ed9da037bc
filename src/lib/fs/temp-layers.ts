import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Removes the temp directories a crash left in a snapshotter's layer directory (a layer is
 * unpacked into `.tmp-…` — `<chain>.tmp-…` before — and renamed into place only when complete).
 */
export async function removeTempLayers(dir: string): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (name.includes('.tmp-')) await rm(join(dir, name), { recursive: true, force: true });
  }
}
