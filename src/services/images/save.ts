import { publishImageEvent } from './events.js';
import type { EventBus } from '../events.js';
import type { Readable } from 'node:stream';
import type { ContentProvider } from '../../core/content.js';
import { notFound } from '../../lib/errdefs.js';
import type { Image, ImageStore } from '../../core/images.js';
import { tarWriter, type TarWriter } from '../../lib/archive/tar-writer.js';
import { hexOf, type Digest } from '../../lib/digest.js';
import {
  blobPath,
  IMAGE_NAME_ANNOTATION,
  OCI_LAYOUT,
  REF_NAME_ANNOTATION,
  type DockerArchiveManifestEntry,
  type DockerArchiveRepositories,
} from '../../lib/oci/docker-archive.js';
import { MEDIA_TYPE, type Descriptor, type OciIndex, type OciManifest } from '../../lib/oci/image-spec.js';
import { familiarRepository, familiarString, fullName, parseNormalizedNamed } from '../../lib/reference.js';

export interface SaveDeps {
  content: ContentProvider;
  images: ImageStore;
  events?: EventBus;
}

interface SaveTarget {
  image: Image;
  manifest: OciManifest;
  /** Full names to record for it: the ones asked for by name (none when asked for by ID). */
  names: string[];
}

/**
 * `docker save`: the images as one tar in Docker 25+'s format — every file a blob under
 * `blobs/sha256/`, `manifest.json` + `repositories` for docker-archive readers, `index.json` +
 * `oci-layout` for OCI readers. Layers shared between images are written once. All names are
 * resolved before the first byte, so an unknown image is a plain 404, not a broken stream.
 */
export async function saveImages(deps: SaveDeps, refs: string[]): Promise<Readable> {
  return archiveStream(deps, await resolveTargets(deps, refs));
}

/**
 * One image in the same format under `names` (full names), whether or not the store has them:
 * BuildKit's `docker`/`oci` exporters write a build's result under the names the build was given.
 */
export async function saveImageAs(deps: SaveDeps, id: Digest, names: string[]): Promise<Readable> {
  const image = deps.images.get(id);
  if (image === undefined) throw notFound(`No such image: ${id}`);
  const manifest = JSON.parse((await deps.content.read(image.manifestDigest)).toString()) as OciManifest;
  return archiveStream(deps, [{ image, manifest, names }]);
}

function archiveStream(deps: SaveDeps, targets: SaveTarget[]): Readable {
  const w = tarWriter();
  writeArchive(deps.content, w, targets).then(
    () => {
      if (deps.events) for (const t of targets) publishImageEvent(deps.events, t.image, 'save');
      w.finish();
    },
    (err: Error) => w.fail(err),
  );
  return w.stream;
}

async function resolveTargets(deps: SaveDeps, refs: string[]): Promise<SaveTarget[]> {
  const byId = new Map<Digest, SaveTarget>();
  for (const ref of refs) {
    const image = deps.images.resolve(ref);
    if (image === undefined) throw notFound(`No such image: ${ref}`);
    const target = byId.get(image.id) ?? { image, manifest: JSON.parse((await deps.content.read(image.manifestDigest)).toString()) as OciManifest, names: [] };
    const name = nameOf(ref);
    if (name !== undefined && image.names.includes(name) && !target.names.includes(name)) target.names.push(name);
    byId.set(image.id, target);
  }
  return [...byId.values()];
}

function nameOf(ref: string): string | undefined {
  try {
    return fullName(parseNormalizedNamed(ref));
  } catch {
    return undefined;
  }
}

async function writeArchive(content: ContentProvider, w: TarWriter, targets: SaveTarget[]): Promise<void> {
  const written = new Set<Digest>();
  const blob = async (digest: Digest): Promise<void> => {
    if (written.has(digest)) return;
    written.add(digest);
    const info = await content.info(digest);
    if (info === undefined) throw notFound(`content ${digest}: not found`);
    await w.addStream(blobPath(digest), info.size, content.readStream(digest));
  };
  await w.addDir('blobs');
  await w.addDir('blobs/sha256');
  const manifestJson: DockerArchiveManifestEntry[] = [];
  const repositories: DockerArchiveRepositories = {};
  const index: OciIndex = { schemaVersion: 2, mediaType: MEDIA_TYPE.ociIndex, manifests: [] };
  for (const { image, manifest, names } of targets) {
    for (const layer of manifest.layers) await blob(layer.digest);
    await blob(image.id);
    await blob(image.manifestDigest);
    const tags = names.map((n) => familiarString(parseNormalizedNamed(n)));
    manifestJson.push({ Config: blobPath(image.id), RepoTags: tags.length > 0 ? tags : null, Layers: manifest.layers.map((l) => blobPath(l.digest)) });
    const top = manifest.layers.at(-1);
    for (const n of names) {
      const ref = parseNormalizedNamed(n);
      if (top !== undefined && ref.tag !== undefined) (repositories[familiarRepository(ref)] ??= {})[ref.tag] = hexOf(top.digest);
    }
    const desc: Descriptor = { mediaType: MEDIA_TYPE.ociManifest, digest: image.manifestDigest, size: (await content.info(image.manifestDigest))!.size };
    if (names.length === 0) index.manifests.push(desc);
    for (const n of names) {
      const tag = parseNormalizedNamed(n).tag;
      index.manifests.push({ ...desc, annotations: { [IMAGE_NAME_ANNOTATION]: n, ...(tag ? { [REF_NAME_ANNOTATION]: tag } : {}) } });
    }
  }
  await w.addBuffer('index.json', JSON.stringify(index));
  await w.addBuffer('manifest.json', JSON.stringify(manifestJson));
  await w.addBuffer('oci-layout', OCI_LAYOUT);
  await w.addBuffer('repositories', JSON.stringify(repositories));
}
