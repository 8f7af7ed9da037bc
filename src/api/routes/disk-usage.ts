import type { ImageDeps } from '../../services/images/deps.js';
import { diskUsage } from '../../services/images/disk-usage.js';
import { toSummary } from '../compat/container.js';
import { toImageSummary } from '../compat/image.js';
import { diskUsageSummaries, toBuildCacheRecord, type DiskUsageLists } from '../compat/disk-usage.js';
import type { BuilderDeps } from '../../builder/deps.js';
import { buildCacheUsage } from '../../builder/usage.js';
import { toVolume } from '../compat/volume.js';
import type { VolumeDeps } from '../../services/volumes/deps.js';
import { volumeDiskUsage } from '../../services/volumes/volumes.js';
import { invalidArgument } from '../../lib/errdefs.js';
import type { Router } from '../router.js';
import { at } from '../versions.js';
import type { DiskUsageResponse } from '../types/disk-usage.js';

export function diskUsageRoutes(router: Router, deps: ImageDeps, volumes: VolumeDeps, builder?: BuilderDeps): void {
  router.add('GET', '/system/df', async (ctx): Promise<Partial<DiskUsageResponse>> => {
    const types = objectTypes(ctx.query.getAll('type'), ctx.apiVersion);
    const summaries = at(ctx.apiVersion, 'diskUsageSummaries');
    const verboseParam = summaries ? ctx.query.get('verbose') : null;
    if (verboseParam !== null && verboseParam !== '' && !BOOLS.has(verboseParam)) throw invalidArgument(`invalid value for verbose: ${verboseParam}`);
    // Docker: without `verbose` (and always below 1.52) the legacy lists, with it only the summaries.
    const legacy = verboseParam === null || verboseParam === '';
    const [du, vols, cache] = await Promise.all([
      diskUsage(deps),
      volumeDiskUsage(volumes),
      types.has('build-cache') && builder !== undefined ? buildCacheUsage(builder) : [],
    ]);
    const parents = at(ctx.apiVersion, 'buildCacheParents');
    const lists: DiskUsageLists = {
      ...(types.has('image') ? { LayersSize: du.layersSize } : {}),
      ...(types.has('image')
        ? { Images: du.images.map((i) => ({ ...toImageSummary(i.image, i.containers, { version: ctx.apiVersion }), SharedSize: i.sharedSize })) }
        : {}),
      ...(types.has('container')
        ? { Containers: du.containers.map((c) => ({ ...toSummary(c.record, ctx.apiVersion), SizeRw: c.sizeRw, SizeRootFs: c.sizeRootFs })) }
        : {}),
      ...(types.has('volume') ? { Volumes: vols.map((v) => ({ ...toVolume(v.volume), UsageData: { Size: v.size, RefCount: v.refCount } })) } : {}),
      ...(types.has('build-cache') ? { BuildCache: cache.map((r) => toBuildCacheRecord(r, parents)) } : {}),
    };
    return {
      ...(legacy ? lists : {}),
      ...(at(ctx.apiVersion, 'noBuilderSize') ? {} : { BuilderSize: cache.reduce((n, r) => n + r.size, 0) }),
      ...(summaries ? diskUsageSummaries(lists, legacy ? false : BOOLS.get(verboseParam)!) : {}),
    };
  });
}

/** Go's strconv.ParseBool. */
const BOOLS = new Map(
  ['1', 't', 'T', 'TRUE', 'true', 'True'].map((v) => [v, true] as [string, boolean]).concat(['0', 'f', 'F', 'FALSE', 'false', 'False'].map((v) => [v, false])),
);

const OBJECT_TYPES = ['container', 'image', 'volume', 'build-cache'];

/** The `type` query parameters (1.42): which object types to report; all of them when none is given. */
function objectTypes(asked: string[], version: string): Set<string> {
  if (asked.length === 0 || !at(version, 'diskUsageTypeParam')) return new Set(OBJECT_TYPES);
  for (const t of asked) if (!OBJECT_TYPES.includes(t)) throw invalidArgument(`unknown object type: ${t}`);
  return new Set(asked);
}
