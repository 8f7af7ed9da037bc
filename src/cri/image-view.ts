import { digestNames, tagNames, type Image, type ImageStore } from '../core/images.js';
import { parseNormalizedNamed, repositoryName } from '../lib/reference.js';

/** runtime.v1.Image as the ImageService answers it. */
export interface CriImage {
  id: string;
  repo_tags: string[];
  repo_digests: string[];
  size: number;
  uid: { value: number } | null;
  username: string;
  spec: { image: string; annotations: Record<string, string> };
  pinned: boolean;
}

/**
 * An image of berth's one store as the CRI shows it: `id` is the image ID (what PullImage returns
 * as image_ref), names fully qualified as containerd reports them (`docker.io/library/busybox:latest`),
 * each repository also by its manifest digest; the config's user split into uid or name as
 * containerd does (`1000:1000` → uid 1000, `nobody` → username).
 */
export function toCriImage(img: Image): CriImage {
  const tags = tagNames(img);
  const repos = new Set(img.names.map((n) => repositoryName(parseNormalizedNamed(n))));
  const user = (img.config.config?.User ?? '').split(':')[0]!;
  const numeric = /^\d+$/.test(user);
  return {
    id: img.id,
    repo_tags: tags,
    // The digests a pull recorded (of the index, for a multi-platform image), then each repository by its manifest.
    repo_digests: [...new Set([...digestNames(img), ...[...repos].map((r) => `${r}@${img.manifestDigest}`)])],
    size: img.size,
    uid: numeric ? { value: Number(user) } : null,
    username: numeric ? '' : user,
    spec: { image: img.id, annotations: {} },
    pinned: false,
  };
}

/**
 * The image a CRI ImageSpec names: an ID (full or short), a name, or `repo@digest` by the manifest
 * digest (as repo_digests lists them); undefined when none.
 */
export function findImage(images: ImageStore, ref: string): Image | undefined {
  if (ref === '') return undefined;
  const direct = images.resolve(ref);
  if (direct !== undefined) return direct;
  let named;
  try {
    named = parseNormalizedNamed(ref);
  } catch {
    return undefined;
  }
  if (named.digest === undefined) return undefined;
  const repo = repositoryName(named);
  return images.list().find((i) => i.manifestDigest === named.digest && i.names.some((n) => repositoryName(parseNormalizedNamed(n)) === repo));
}
