import { parseFilters } from '../../lib/filters.js';
import type { ImageDeps } from '../../services/images/deps.js';
import { imageHistory } from '../../services/images/history.js';
import { IMAGE_PRUNE_FILTERS, pruneImages } from '../../services/images/prune.js';
import { tagImage } from '../../services/images/tag.js';
import { repoTags } from '../compat/image.js';
import { refuseStreamedPrune } from '../http.js';
import type { Router } from '../router.js';
import { decodePlatform, requireImagePlatform } from '../platform-param.js';
import { at } from '../versions.js';
import type { ImagePruneResponse } from '../types/disk-usage.js';
import type { ImageHistoryItem } from '../types/images.js';
import { commitRoutes } from './commit.js';

/** history, tag, prune and commit: the image lifecycle beyond import and removal. */
export function imageLifecycleRoutes(router: Router, deps: ImageDeps): void {
  commitRoutes(router, deps);

  router.add('GET', '/images/{name*}/history', async (ctx): Promise<ImageHistoryItem[]> => {
    // 1.48: `platform` (JSON OCI platform) picks the platform to show; berth's image has one.
    const param = at(ctx.apiVersion, 'imageDescriptor') ? ctx.query.get('platform') || undefined : undefined;
    requireImagePlatform(deps.images, ctx.params.name!, param !== undefined ? [decodePlatform(param)] : []);
    return imageHistory(deps, ctx.params.name!, repoTags);
  });

  router.add('POST', '/images/{name*}/tag', async (ctx) => {
    await tagImage(deps, ctx.params.name!, ctx.query.get('repo') ?? '', ctx.query.get('tag') || undefined);
    ctx.res!.writeHead(201).end();
  });

  router.add('POST', '/images/prune', async (ctx): Promise<ImagePruneResponse> => {
    refuseStreamedPrune(ctx);
    return pruneImages(deps, parseFilters(ctx.query.get('filters'), IMAGE_PRUNE_FILTERS));
  });
}
