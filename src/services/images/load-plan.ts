import { readFile } from 'node:fs/promises';
import { invalidArgument, notFound } from '../../lib/errdefs.js';
import type { ImageConfigBlob } from '../../core/images.js';
import { isDigest } from '../../lib/digest.js';
import { blobPath, IMAGE_NAME_ANNOTATION, REF_NAME_ANNOTATION, type DockerArchiveManifest } from '../../lib/oci/docker-archive.js';
import { MEDIA_TYPE, type Descriptor, type OciIndex, type OciManifest } from '../../lib/oci/image-spec.js';
import { fullName, parseNormalizedNamed } from '../../lib/reference.js';
import { memberPath, type Spool, type SpooledFile } from './load-spool.js';
import { formatPlatform, platformMatches, type Platform } from './pull-platform.js';

/** One image to load: its verified config and its layer files, bottom first. */
export interface ImagePlan {
  config: ImageConfigBlob;
  configFile: SpooledFile;
  layers: SpooledFile[];
  /** Full names (`docker.io/library/busybox:latest`). */
  names: string[];
}

const MAX_JSON = 16 * 1024 * 1024;

/**
 * Reads what the archive says it holds: `manifest.json` (docker-archive, preferred as Docker
 * does) or else `index.json` (OCI image layout). Every path or digest it names must be a regular
 * member of the archive — a symlink, a missing member or a path outside the archive is an error —
 * and every OCI descriptor's digest must match the member's content.
 */
export async function planLoad(spool: Spool, platforms: Platform[] = []): Promise<ImagePlan[]> {
  let plans: ImagePlan[];
  if (spool.members.has('manifest.json')) plans = await planDockerArchive(spool);
  else if (spool.members.has('index.json')) plans = await planOciArchive(spool, platforms);
  else throw invalidArgument('invalid archive: no manifest.json or index.json: not a docker save or OCI archive');
  if (platforms.length === 0) return plans;
  // `load --platform`: only the images of the platforms asked for.
  const kept = plans.filter((p) => platforms.some((w) => platformMatches(p.config, w)));
  if (kept.length === 0) throw notFound(`image does not provide the specified platform (${platforms.map(formatPlatform).join(', ')})`);
  return kept;
}

function member(spool: Spool, path: string): SpooledFile {
  const rel = memberPath(path);
  const m = spool.members.get(rel);
  if (m === undefined) throw invalidArgument(`invalid archive: "${path}" is not in the archive`);
  if (!('file' in m)) throw invalidArgument(`invalid archive: "${path}" is a ${m.type}, not a regular file`);
  return m;
}

async function readJson<T>(f: SpooledFile, what: string): Promise<T> {
  if (f.size > MAX_JSON) throw invalidArgument(`invalid archive: ${what} is too large`);
  try {
    return JSON.parse(await readFile(f.file, 'utf8')) as T;
  } catch (err) {
    throw invalidArgument(`invalid archive: ${what}: ${(err as Error).message}`);
  }
}

async function readConfig(f: SpooledFile): Promise<ImageConfigBlob> {
  const config = await readJson<ImageConfigBlob>(f, `image config ${f.digest}`);
  if (!Array.isArray(config?.rootfs?.diff_ids) || !config.rootfs.diff_ids.every((d) => typeof d === 'string' && isDigest(d))) {
    throw invalidArgument(`invalid archive: image config ${f.digest} has no valid rootfs.diff_ids`);
  }
  return config;
}

function normalizeNames(tags: string[]): string[] {
  return tags.map((t) => {
    try {
      return fullName(parseNormalizedNamed(t));
    } catch {
      throw invalidArgument(`invalid archive: invalid reference "${t}"`);
    }
  });
}

async function planDockerArchive(spool: Spool): Promise<ImagePlan[]> {
  const manifest = await readJson<DockerArchiveManifest>(member(spool, 'manifest.json'), 'manifest.json');
  if (!Array.isArray(manifest)) throw invalidArgument('invalid archive: manifest.json is not a list');
  const plans: ImagePlan[] = [];
  for (const entry of manifest) {
    if (typeof entry?.Config !== 'string' || !Array.isArray(entry.Layers)) throw invalidArgument('invalid archive: malformed manifest.json entry');
    if (entry.LayerSources && Object.keys(entry.LayerSources).length > 0) throw invalidArgument('invalid archive: foreign layers are not supported');
    const configFile = member(spool, entry.Config);
    const config = await readConfig(configFile);
    const layers = entry.Layers.map((l) => member(spool, String(l)));
    plans.push({ config, configFile, layers, names: normalizeNames(entry.RepoTags ?? []) });
  }
  return plans;
}

function blob(spool: Spool, desc: Descriptor): SpooledFile {
  if (typeof desc?.digest !== 'string' || !isDigest(desc.digest)) throw invalidArgument('invalid archive: descriptor without a valid sha256 digest');
  const f = member(spool, blobPath(desc.digest));
  if (f.digest !== desc.digest) throw invalidArgument(`invalid archive: ${blobPath(desc.digest)}: digest mismatch (content is ${f.digest})`);
  return f;
}

const INDEX_TYPES: string[] = [MEDIA_TYPE.ociIndex, MEDIA_TYPE.dockerManifestList];

async function planOciArchive(spool: Spool, platforms: Platform[]): Promise<ImagePlan[]> {
  const index = await readJson<OciIndex>(member(spool, 'index.json'), 'index.json');
  const plans: ImagePlan[] = [];
  for (const desc of index.manifests ?? []) {
    const manifest = await resolveManifest(spool, desc, 0, platforms);
    const configFile = blob(spool, manifest.config);
    const config = await readConfig(configFile);
    const layers = (manifest.layers ?? []).map((l) => blob(spool, l));
    const ref = desc.annotations?.[IMAGE_NAME_ANNOTATION] ?? desc.annotations?.[REF_NAME_ANNOTATION];
    // A bare tag ("latest") in ref.name names no repository: the image loads untagged.
    const names = ref !== undefined && /[:/]/.test(ref) ? normalizeNames([ref]) : [];
    const same = plans.find((p) => p.configFile.digest === configFile.digest);
    if (same) same.names.push(...names.filter((n) => !same.names.includes(n)));
    else plans.push({ config, configFile, layers, names });
  }
  if (plans.length === 0) throw invalidArgument('invalid archive: index.json lists no images');
  return plans;
}

/** Follows nested indexes to one manifest: the first of `platforms` listed, else linux/amd64 if listed, else the first. */
async function resolveManifest(spool: Spool, desc: Descriptor, depth: number, platforms: Platform[]): Promise<OciManifest> {
  if (depth > 4) throw invalidArgument('invalid archive: indexes nested too deeply');
  const doc = await readJson<OciManifest & OciIndex>(blob(spool, desc), `manifest ${desc.digest}`);
  if (!INDEX_TYPES.includes(doc.mediaType ?? desc.mediaType) && !Array.isArray(doc.manifests)) return doc;
  const list = doc.manifests ?? [];
  const pick =
    list.find((m) => m.platform !== undefined && platforms.some((w) => platformMatches(m.platform!, w))) ??
    list.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64') ??
    list[0];
  if (pick === undefined) throw invalidArgument(`invalid archive: index ${desc.digest} is empty`);
  return resolveManifest(spool, pick, depth + 1, platforms);
}
