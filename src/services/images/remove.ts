import { publishImageEvent } from './events.js';
import { conflict, notFound } from '../../lib/errdefs.js';
import { digestNames, isDigestName, tagNames, type Image } from '../../core/images.js';
import { usesImage } from '../../core/containers.js';
import { chainIds, type Digest } from '../../lib/digest.js';
import type { OciManifest } from '../../lib/oci/image-spec.js';
import { familiarString, fullName, parseNormalizedNamed, repositoryName } from '../../lib/reference.js';
import type { ImageDeps } from './deps.js';
import { hasDescendants, parentOf } from './lineage.js';
import { crashPoint } from '../../lib/crash-point.js';

export type DeleteItem = { Untagged: string } | { Deleted: string };

const short = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);

/**
 * `docker rmi`: untag when the reference is one of several names, else delete (Docker's rules and
 * messages). A deleted image's untagged parents go with it, nearest first, as long as nothing else
 * needs them (no other child, no container), unless `noprune`: the step images of a classic build.
 */
export async function removeImage(deps: ImageDeps, ref: string, opts: { force?: boolean; noprune?: boolean } = {}): Promise<DeleteItem[]> {
  const img = deps.images.resolve(ref);
  if (img === undefined) throw notFound(`No such image: ${displayName(ref)}`);
  const byName = isNameOf(img, ref);
  await deps.containers.settled(); // removed containers' layers on it are released
  const users = deps.containers.all().filter((c) => usesImage(c, img.id));
  const running = users.find((c) => c.State.Status === 'running' || c.State.Status === 'paused');
  // A parent of other local images keeps its layers for them: its last name can go, the image cannot.
  const hasChildren = hasDescendants(img, deps.images.list());

  if (byName !== undefined) {
    const going = namesGoingWith(img, byName);
    const lastName = img.names.every((n) => going.includes(n));
    if (lastName && users.length > 0 && !opts.force) {
      throw conflict(
        `conflict: unable to remove repository reference "${displayName(ref)}" (must force) - container ${short(users[0]!.Id)} is using its referenced image ${short(img.id)}`,
      );
    }
    if (!lastName || users.length > 0 || hasChildren) {
      const out: DeleteItem[] = [];
      for (const name of going) out.push(await untag(deps, img, name));
      return out;
    }
  } else {
    if (running)
      throw conflict(`conflict: unable to delete ${short(img.id)} (cannot be forced) - image is being used by running container ${short(running.Id)}`);
    if (hasChildren) throw conflict(`conflict: unable to delete ${short(img.id)} (cannot be forced) - image has dependent child images`);
    if (users.length > 0 && !opts.force) {
      throw conflict(`conflict: unable to delete ${short(img.id)} (must be forced) - image is being used by stopped container ${short(users[0]!.Id)}`);
    }
    if (!isSingleReference(img) && !opts.force) {
      throw conflict(`conflict: unable to delete ${short(img.id)} (must be forced) - image is referenced in multiple repositories`);
    }
  }

  const out: DeleteItem[] = [];
  for (const name of [...img.names]) out.push(await untag(deps, img, name));
  // Forced past stopped containers: their snapshots need the layers, so the image stays (dangling).
  if (users.length > 0) return out;
  let parent = opts.noprune ? undefined : parentOf(img, deps.images.list());
  out.push(await deleteImage(deps, img));
  while (parent !== undefined && prunable(deps, parent)) {
    const next = parentOf(parent, deps.images.list());
    out.push(await deleteImage(deps, parent));
    parent = next;
  }
  return out;
}

async function deleteImage(deps: ImageDeps, img: Image): Promise<DeleteItem> {
  await deleteImageData(deps, img);
  publishImageEvent(deps.events, undefined, 'delete', { id: img.id }); // gone: dockerd finds no labels to add
  return { Deleted: img.id };
}

/** A parent goes with its deleted child when it has no name, no other child and no container. */
function prunable(deps: ImageDeps, img: Image): boolean {
  return img.names.length === 0 && !hasDescendants(img, deps.images.list()) && !deps.containers.all().some((c) => usesImage(c, img.id));
}

async function untag(deps: ImageDeps, img: Image, name: string): Promise<DeleteItem> {
  await deps.images.untag(name);
  const familiar = familiarString(parseNormalizedNamed(name));
  publishImageEvent(deps.events, img, 'untag');
  return { Untagged: familiar };
}

/**
 * The names one `rmi <name>` takes off: the name, and when it is a tag and the repository has no
 * other tag on this image, that repository's digest references too (Docker's rule).
 */
function namesGoingWith(img: Image, name: string): string[] {
  if (isDigestName(name)) return [name];
  const repo = repoOf(name);
  if (tagNames(img).some((n) => n !== name && repoOf(n) === repo)) return [name];
  return [name, ...digestNames(img).filter((n) => repoOf(n) === repo)];
}

/** One tag at most, and digest references only of that tag's repository (or of one repository): deleting by ID needs no force. */
function isSingleReference(img: Image): boolean {
  const tags = tagNames(img);
  if (tags.length > 1) return false;
  const digestRepos = new Set(digestNames(img).map(repoOf));
  if (tags.length === 0) return digestRepos.size <= 1;
  return digestRepos.size === 0 || (digestRepos.size === 1 && digestRepos.has(repoOf(tags[0]!)));
}

const repoOf = (name: string): string => repositoryName(parseNormalizedNamed(name));

function isNameOf(img: Image, ref: string): string | undefined {
  try {
    const name = fullName(parseNormalizedNamed(ref));
    return img.names.includes(name) ? name : undefined;
  } catch {
    return undefined;
  }
}

function displayName(ref: string): string {
  try {
    return familiarString(parseNormalizedNamed(ref));
  } catch {
    return ref;
  }
}

/** Intent kind (lib/intents): an image deletion, with the layers and blobs it may free. */
export const DELETE_INTENT = 'image-delete';

/** What an image deletion may free: its layers (chain IDs, top first) and blobs. */
export interface ImageData {
  chain: string[];
  blobs: Digest[];
}

/**
 * Deletes the image record, then the snapshots and blobs no other image shares. Intent first: a
 * crash after the record is gone leaves the intent, and start-up frees the rest (releaseImageData).
 */
async function deleteImageData(deps: ImageDeps, img: Image): Promise<void> {
  const manifest = JSON.parse((await deps.content.read(img.manifestDigest)).toString()) as OciManifest;
  const data: ImageData = {
    chain: chainIds(img.config.rootfs.diff_ids).reverse(),
    blobs: [img.manifestDigest, img.id, ...manifest.layers.map((l) => l.digest)],
  };
  await deps.intents.begin(DELETE_INTENT, img.id.slice(7), data);
  await deps.images.delete(img.id);
  crashPoint('rmi:record');
  await releaseImageData(deps, data);
  await deps.intents.end(DELETE_INTENT, img.id.slice(7));
}

/** Removes the layers and blobs of `data` that no image still uses; returns how many of each went. */
export async function releaseImageData(deps: ImageDeps, data: ImageData): Promise<{ layers: number; blobs: number }> {
  const stillUsed = new Set<string>();
  for (const other of deps.images.list()) {
    for (const c of chainIds(other.config.rootfs.diff_ids)) stillUsed.add(c);
    stillUsed.add(other.manifestDigest);
    stillUsed.add(other.id);
    const m = JSON.parse((await deps.content.read(other.manifestDigest)).toString()) as OciManifest;
    for (const l of m.layers) stillUsed.add(l.digest);
  }
  const gone = { layers: 0, blobs: 0 };
  for (const c of data.chain) {
    if (stillUsed.has(c) || !(await deps.snapshotter.hasLayer(c))) continue;
    await deps.snapshotter.removeLayer(c);
    gone.layers++;
  }
  for (const d of data.blobs) {
    if (stillUsed.has(d) || (await deps.content.info(d)) === undefined) continue;
    await deps.content.delete(d);
    gone.blobs++;
  }
  return gone;
}
