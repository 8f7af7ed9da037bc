import { publishImageEvent } from './events.js';
import { invalidArgument, notFound } from '../../lib/errdefs.js';
import { familiarString, fullName, parseNormalizedNamed } from '../../lib/reference.js';
import type { ImageDeps } from './deps.js';

/** `docker tag SOURCE TARGET`: points `repo:tag` (tag defaults to latest) at the source image. */
export async function tagImage(deps: Pick<ImageDeps, 'images' | 'events'>, source: string, repo: string, tag?: string): Promise<void> {
  const img = deps.images.resolve(source);
  if (img === undefined) throw notFound(`No such image: ${familiarOrRaw(source)}`);
  if (repo === '') throw invalidArgument('repository name must have at least one component');
  const ref = parseNormalizedNamed(tag ? `${repo}:${tag}` : repo);
  if (ref.digest) throw invalidArgument('refusing to create a tag with a digest reference');
  const name = fullName(ref);
  await deps.images.tag(img.id, name);
  publishImageEvent(deps.events, img, 'tag', { name: familiarString(parseNormalizedNamed(name)) });
}

function familiarOrRaw(ref: string): string {
  try {
    return familiarString(parseNormalizedNamed(ref));
  } catch {
    return ref;
  }
}
