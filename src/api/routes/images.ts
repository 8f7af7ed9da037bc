import { invalidArgument, notFound, notImplemented } from '../../core/errdefs.js';
import { matchLabels, parseFilters } from '../../lib/filters.js';
import { familiarRepository, familiarString, parseNormalizedNamed } from '../../lib/reference.js';
import type { ImageDeps } from '../../services/images/deps.js';
import { importImage } from '../../services/images/import.js';
import { removeImage } from '../../services/images/remove.js';
import { toImageInspect, toImageSummary } from '../compat/image.js';
import { queryBool } from '../http.js';
import type { Router } from '../router.js';
import type { JsonMessage } from '../types/images.js';

const IMAGE_FILTERS = ['dangling', 'label', 'reference', 'before', 'since'];

export function imageRoutes(router: Router, deps: ImageDeps): void {
  router.add('GET', '/images/json', async (ctx) => {
    const filters = parseFilters(ctx.query.get('filters'), IMAGE_FILTERS);
    const all = queryBool(ctx.query, 'all');
    const refs = filters.get('reference') ?? [];
    const dangling = filters.get('dangling')?.[0];
    const usedBy = new Map<string, number>();
    for (const c of deps.containers.all()) usedBy.set(c.Image, (usedBy.get(c.Image) ?? 0) + 1);
    return deps.images
      .list()
      .filter((img) => all || img.names.length > 0 || dangling === 'true')
      .filter((img) => dangling === undefined || (dangling === 'true') === (img.names.length === 0))
      .filter((img) => !filters.has('label') || matchLabels(img.config.config?.Labels, filters.get('label')!))
      .filter((img) => refs.length === 0 || img.names.some((n) => refs.some((r) => referenceMatches(n, r))))
      .sort((a, b) => (b.config.created ?? '').localeCompare(a.config.created ?? ''))
      .map((img) => toImageSummary(img, usedBy.get(img.id) ?? 0));
  });

  router.add('GET', '/images/{name*}/json', async (ctx) => {
    const img = deps.images.resolve(ctx.params.name!);
    if (img === undefined) throw notFound(`No such image: ${ctx.params.name}`);
    return toImageInspect(img, deps.snapshotter.name);
  });

  router.add('DELETE', '/images/{name*}', async (ctx) => removeImage(deps, ctx.params.name!, { force: queryBool(ctx.query, 'force') }));

  router.add('POST', '/images/create', async (ctx) => {
    const q = ctx.query;
    const fromSrc = q.get('fromSrc');
    if (fromSrc === null) {
      const image = q.get('fromImage') ?? '';
      const ref = familiarRepository(parseNormalizedNamed(image));
      // Pulling arrives with the registry issue; until then, say what Docker says for an unreachable repository.
      throw notFound(`pull access denied for ${ref}, repository does not exist or may require 'docker login': berth has no registry client yet`);
    }
    if (fromSrc !== '-') throw notImplemented(`import from ${fromSrc}: only "-" (the request body) is supported`);
    const repo = q.get('repo') || undefined;
    const tag = q.get('tag') || undefined;
    if (tag !== undefined && repo === undefined) throw invalidArgument('tag requires a repository');
    const id = await importImage(deps, { source: ctx.req, repo, tag, message: q.get('message') ?? undefined, changes: q.getAll('changes'), sourceName: fromSrc });
    const res = ctx.res!;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const msg: JsonMessage = { status: id };
    res.end(JSON.stringify(msg) + '\r\n');
  });
}

/** `reference` filter: `busybox`, `busybox:latest`, or glob patterns like `bu*`. */
function referenceMatches(fullName: string, pattern: string): boolean {
  const familiar = familiarString(parseNormalizedNamed(fullName));
  const glob = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '.')}$`);
  const repo = familiar.slice(0, familiar.lastIndexOf(':'));
  return glob.test(familiar) || glob.test(repo);
}
