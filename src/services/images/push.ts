import { publishImageEvent } from './events.js';
import { mapLimit } from '../../lib/map-limit.js';
import { invalidArgument, notFound } from '../../lib/errdefs.js';
import type { Image } from '../../core/images.js';
import { MEDIA_TYPE, type Descriptor, type OciManifest } from '../../lib/oci/image-spec.js';
import { familiarRepository, familiarString, fullName, parseNormalizedNamed, repositoryName, type Reference } from '../../lib/reference.js';
import type { AuthConfig, RemoteRepository } from '../../core/registry.js';
import { knownSources, recordSource } from './blob-fetch.js';
import type { PullDeps, PullEvent } from './pull.js';

export interface PushRequest {
  /** The repository. */
  ref: string;
  /** One tag; undefined pushes every local tag of the repository. */
  tag?: string;
  auth?: AuthConfig;
  onEvent?: (e: PullEvent & { aux?: { Tag: string; Digest: string; Size: number } }) => void;
}

export type PushDeps = PullDeps;

/** Docker's default `max-concurrent-uploads`. */
const DEFAULT_UPLOADS = 5;

/**
 * `docker push`: for each tag, every layer and the config are checked with HEAD, mounted from
 * another repository of the same registry when one is known to hold them, else uploaded
 * (monolithic, or in chunks when large); then the manifest is PUT by tag.
 */
export async function pushImage(deps: PushDeps, req: PushRequest): Promise<void> {
  const ref = parseNormalizedNamed(req.ref);
  const emit = req.onEvent ?? (() => undefined);
  const repoName = repositoryName(ref);
  const tags: Array<{ tag: string; image: Image }> = [];
  if (req.tag === undefined) {
    // The API's meaning of "no tag": every local tag of the repository (`push -a`).
    for (const img of deps.images.list()) {
      for (const n of img.names) {
        const r = parseNormalizedNamed(n);
        if (repositoryName(r) === repoName && r.tag !== undefined && r.digest === undefined) tags.push({ tag: r.tag, image: img });
      }
    }
    if (tags.length === 0) throw notFound(`An image does not exist locally with the tag: ${familiarRepository(ref)}`);
  } else {
    const name = fullName({ ...ref, tag: req.tag, digest: undefined });
    const img = deps.images.resolve(name);
    if (!img?.names.includes(name)) throw notFound(`An image does not exist locally with the tag: ${familiarString({ ...ref, tag: req.tag })}`);
    tags.push({ tag: req.tag, image: img });
  }
  emit({ status: `The push refers to repository [${repoName}]` });
  const repo = await deps.registry.repository({ domain: ref.domain, name: ref.path, auth: req.auth, push: true });
  for (const { tag, image } of tags) await pushTag(deps, repo, ref, tag, image, emit);
}

async function pushTag(
  deps: PushDeps,
  repo: RemoteRepository,
  ref: Reference,
  tag: string,
  image: Image,
  emit: NonNullable<PushRequest['onEvent']>,
): Promise<void> {
  const bytes = await deps.content.read(image.manifestDigest);
  const manifest = JSON.parse(bytes.toString()) as OciManifest & { mediaType?: string };
  const here = `${ref.domain}/${ref.path}`;
  const ids = manifest.layers.map((l) => l.digest.slice(7, 19));
  for (let i = manifest.layers.length - 1; i >= 0; i--) emit({ id: ids[i], status: 'Preparing' });
  await mapLimit(manifest.layers, deps.limits?.uploads ?? DEFAULT_UPLOADS, (l, i) => pushBlob(deps, repo, l, here, (e) => emit({ id: ids[i], ...e })));
  await pushBlob(deps, repo, manifest.config, here, () => undefined);
  const mediaType = manifest.mediaType ?? (manifest.config.mediaType === MEDIA_TYPE.dockerConfig ? MEDIA_TYPE.dockerManifest : MEDIA_TYPE.ociManifest);
  await repo.putManifest(tag, mediaType, bytes);
  emit({ status: `${tag}: digest: ${image.manifestDigest} size: ${bytes.length}`, aux: { Tag: tag, Digest: image.manifestDigest, Size: bytes.length } });
  // The pushed manifest's digest becomes one of the image's names (`repo@digest`: Docker's RepoDigests).
  await deps.images.tag(image.id, fullName({ ...ref, tag: undefined, digest: image.manifestDigest }));
  const pushed = familiarString({ ...ref, tag, digest: undefined });
  publishImageEvent(deps.events, image, 'push', { id: pushed, name: pushed });
}

async function pushBlob(deps: PushDeps, repo: RemoteRepository, desc: Descriptor, here: string, emit: (e: PullEvent) => void): Promise<void> {
  const info = await deps.content.info(desc.digest);
  if (info === undefined) throw invalidArgument(`blob ${desc.digest} is missing from the content store`);
  if (await repo.hasBlob(desc.digest)) {
    emit({ status: 'Layer already exists' });
    recordSource(deps.content, desc.digest, here);
    return;
  }
  const sameHost = knownSources(deps.content, desc.digest).filter((s) => s !== here && s.startsWith(`${repo.domain}/`));
  for (const src of sameHost) {
    const from = src.slice(repo.domain.length + 1);
    if (await repo.mount(desc.digest, from).catch(() => false)) {
      emit({ status: `Mounted from ${from}` });
      recordSource(deps.content, desc.digest, here);
      return;
    }
    break; // a refused mount opened an upload session: upload into it
  }
  let last = 0;
  await repo.upload({ digest: desc.digest, size: info.size, open: (start, end) => deps.content.readStream(desc.digest, { start, end }) }, (n) => {
    if (n - last < Math.max(64 * 1024, info.size / 100) && n < info.size) return;
    last = n;
    emit({ status: 'Pushing', current: n, total: info.size });
  });
  recordSource(deps.content, desc.digest, here);
  emit({ status: 'Pushed' });
}
