import { overlayChanges, type Change } from '../../lib/fs/overlay-changes.js';
import type { ContainerDeps } from './deps.js';
import { runtimeCreatedPaths } from './init-paths.js';

/** `docker diff`: what the container's writable layer changed, from its upper dir (running or not). */
export async function containerChanges(deps: Pick<ContainerDeps, 'store' | 'snapshotter'>, ref: string): Promise<Change[]> {
  const rec = deps.store.get(ref);
  const lowers = await deps.snapshotter.lowerDirs(rec.Id);
  return overlayChanges(deps.snapshotter.upperDir(rec.Id), lowers, await runtimeCreatedPaths(lowers));
}
