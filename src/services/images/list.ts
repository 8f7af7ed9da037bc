import { invalidArgument } from '../../lib/errdefs.js';
import { isDangling, type Image } from '../../core/images.js';
import { matchLabels, type Filters } from '../../lib/filters.js';
import { familiarRepository, familiarString, parseNormalizedNamed } from '../../lib/reference.js';
import type { ImageDeps } from './deps.js';
import { hasDescendants } from './lineage.js';

export const IMAGE_LIST_FILTERS = ['dangling', 'label', 'reference', 'before', 'since'];

/**
 * `GET /images/json`: newest first. Without `all`, intermediate images (untagged parents of
 * other images) are hidden, as Docker does. `before`/`since` name an image; `reference` takes
 * globs on the familiar name or repository.
 */
export function listImages(deps: Pick<ImageDeps, 'images'>, opts: { all: boolean; filters: Filters }): Image[] {
  const { filters } = opts;
  const all = deps.images.list();
  const dangling = filters.get('dangling')?.[0];
  if (dangling !== undefined && !['true', 'false', '1', '0'].includes(dangling)) throw invalidArgument(`Invalid filter 'dangling=${dangling}'`);
  const wantDangling = dangling === undefined ? undefined : dangling === 'true' || dangling === '1';
  const refs = filters.get('reference') ?? [];
  const created = (img: Image): number => Date.parse(img.config.created ?? '') || 0;
  const anchor = (key: string): number | undefined => {
    const v = filters.get(key)?.[0];
    if (v === undefined) return undefined;
    const img = deps.images.resolve(v);
    if (img === undefined) throw invalidArgument(`No such image: ${v}`);
    return created(img);
  };
  const before = anchor('before');
  const since = anchor('since');
  return all
    .filter((img) => opts.all || img.names.length > 0 || wantDangling === true || !hasDescendants(img, all))
    .filter((img) => wantDangling === undefined || wantDangling === isDangling(img))
    .filter((img) => !filters.has('label') || matchLabels(img.config.config?.Labels, filters.get('label')!))
    .filter((img) => refs.length === 0 || img.names.some((n) => refs.some((r) => referenceMatches(n, r))))
    .filter((img) => before === undefined || created(img) < before)
    .filter((img) => since === undefined || created(img) > since)
    .sort((a, b) => (b.config.created ?? '').localeCompare(a.config.created ?? ''));
}

/** `reference` filter: `busybox`, `busybox:latest`, or glob patterns like `bu*`. */
export function referenceMatches(fullName: string, pattern: string): boolean {
  const ref = parseNormalizedNamed(fullName);
  const familiar = familiarString(ref);
  const glob = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '.')}$`,
  );
  // A tag or a digest reference, matched whole or by its repository (Docker's FamiliarMatch).
  return glob.test(familiar) || glob.test(familiarRepository(ref));
}
