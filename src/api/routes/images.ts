import { invalidArgument, notFound } from '../../lib/errdefs.js';
import { fetchStream } from '../../lib/fetch-url.js';
import { parseFilters } from '../../lib/filters.js';
import { familiarRepository, parseNormalizedNamed } from '../../lib/reference.js';
import type { ImageDeps } from '../../services/images/deps.js';
import { importImage } from '../../services/images/import.js';
import { parentOf } from '../../services/images/lineage.js';
import { IMAGE_LIST_FILTERS, listImages, referenceMatches } from '../../services/images/list.js';
import { removeImage } from '../../services/images/remove.js';
import { imageManifest } from '../../services/images/manifests.js';
import { parsePlatform } from '../../services/images/pull-platform.js';
import { graphDriver, toImageInspect, toImageSummary } from '../compat/image.js';
import { decodePlatform, decodePlatforms, requireImagePlatform } from '../platform-param.js';
import { at } from '../versions.js';
import { chainIds } from '../../lib/digest.js';
import { imageArchiveRoutes } from './image-archive.js';
import { imageLifecycleRoutes } from './image-lifecycle.js';
import { pullRoute, registryRoutes } from './registry.js';
import { queryBool } from '../http.js';
import type { Router } from '../router.js';
import type { JsonMessage } from '../types/images.js';

export function imageRoutes(router: Router, deps: ImageDeps): void {
  imageArchiveRoutes(router, deps);
  imageLifecycleRoutes(router, deps);
  if (deps.registry !== undefined) registryRoutes(router, { ...deps, registry: deps.registry });
  router.add('GET', '/images/json', async (ctx) => {
    const v = ctx.apiVersion;
    const filters = parseFilters(ctx.query.get('filters'), IMAGE_LIST_FILTERS);
    const usedBy = new Map<string, number>();
    for (const c of deps.containers.all()) usedBy.set(c.Image, (usedBy.get(c.Image) ?? 0) + 1);
    const every = deps.images.list();
    const refs = filters.get('reference') ?? [];
    // As Docker: with a reference filter, an image lists only its names that matched.
    const shown = (names: string[]): string[] => (refs.length ? names.filter((n) => refs.some((r) => referenceMatches(n, r))) : names);
    // Before 1.51 Docker's list always said -1 for Containers. `identity` (1.54) asks for the manifest summaries too; berth has no trusted identity to add to them.
    const manifests = (at(v, 'imageListManifests') && queryBool(ctx.query, 'manifests')) || (at(v, 'imageListIdentity') && queryBool(ctx.query, 'identity'));
    const withManifest = manifests || at(v, 'imageDescriptor');
    const listed = listImages(deps, { all: queryBool(ctx.query, 'all'), filters });
    return Promise.all(
      listed.map(async (img) => ({
        ...toImageSummary({ ...img, names: shown(img.names) }, at(v, 'imageContainersCount') ? (usedBy.get(img.id) ?? 0) : -1, {
          version: v,
          manifests,
          ...(withManifest ? { manifest: await imageManifest(deps, img, { detail: manifests }) } : {}),
        }),
        ParentId: parentOf(img, every)?.id ?? '',
      })),
    );
  });

  router.add('GET', '/images/{name*}/json', async (ctx) => {
    const v = ctx.apiVersion;
    const manifests = at(v, 'imageDescriptor') && queryBool(ctx.query, 'manifests');
    const platformParam = at(v, 'imageInspectPlatform') ? ctx.query.get('platform') || undefined : undefined;
    const platform = platformParam !== undefined ? decodePlatform(platformParam) : undefined;
    if (manifests && platform !== undefined) throw invalidArgument('conflicting options: manifests and platform options cannot both be set');
    const img = deps.images.resolve(ctx.params.name!);
    if (img === undefined) throw notFound(`No such image: ${ctx.params.name}`);
    requireImagePlatform(deps.images, ctx.params.name!, platform ? [platform] : []);
    const layers = chainIds(img.config.rootfs.diff_ids).map((c) => deps.snapshotter.layerPath(c));
    const view = { version: v, manifests, parent: parentOf(img, deps.images.list())?.id ?? '' };
    return {
      ...toImageInspect(
        img,
        deps.snapshotter.name,
        at(v, 'imageDescriptor') ? { ...view, manifest: await imageManifest(deps, img, { detail: manifests }) } : view,
      ),
      GraphDriver: graphDriver(deps.snapshotter.name, layers),
    };
  });

  router.add('DELETE', '/images/{name*}', async (ctx) => {
    // 1.50: `platforms` names what to delete; berth keeps one platform per image, so it must be among them.
    requireImagePlatform(deps.images, ctx.params.name!, at(ctx.apiVersion, 'imageDeletePlatforms') ? decodePlatforms(ctx.query.getAll('platforms')) : []);
    return removeImage(deps, ctx.params.name!, { force: queryBool(ctx.query, 'force'), noprune: queryBool(ctx.query, 'noprune') });
  });

  router.add('POST', '/images/create', async (ctx) => {
    const q = ctx.query;
    const fromSrc = q.get('fromSrc');
    if (fromSrc === null) {
      if (deps.registry !== undefined) return pullRoute(ctx, { ...deps, registry: deps.registry });
      const ref = familiarRepository(parseNormalizedNamed(q.get('fromImage') ?? ''));
      throw notFound(`pull access denied for ${ref}, repository does not exist or may require 'docker login': no registry configured`);
    }
    const repo = q.get('repo') || undefined;
    const tag = q.get('tag') || undefined;
    if (tag !== undefined && repo === undefined) throw invalidArgument('tag requires a repository');
    // `platform` (os[/arch[/variant]]) names the imported image's platform, as Docker from 1.32.
    const platform = q.get('platform') ? parsePlatform(q.get('platform')) : undefined;
    // `-`: the body is the tar; otherwise a URL the daemon downloads (Docker's import from URL).
    const source = fromSrc === '-' ? ctx.req : await fetchStream(fromSrc);
    const id = await importImage(deps, {
      source,
      repo,
      tag,
      message: q.get('message') ?? undefined,
      changes: q.getAll('changes'),
      sourceName: fromSrc,
      ...(platform ? { platform } : {}),
    });
    const res = ctx.res!;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const msg: JsonMessage = { status: id };
    res.end(JSON.stringify(msg) + '\r\n');
  });
}
