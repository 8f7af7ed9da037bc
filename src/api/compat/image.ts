import { digestNames, tagNames, type Image } from '../../core/images.js';
import { familiarString, parseNormalizedNamed } from '../../lib/reference.js';
import type { ManifestInfo } from '../../services/images/manifests.js';
import type { ImageInspect, ImageManifestSummary, ImageSummary, OciDescriptor } from '../types/images.js';
import { at } from '../versions.js';
import { fullConfig } from './container-defaults.js';

const familiar = (name: string): string => familiarString(parseNormalizedNamed(name));

export function repoTags(img: Image): string[] {
  return tagNames(img).map(familiar);
}

/** `repo@digest` of each digest reference a pull or push recorded (Docker's RepoDigests), sorted as dockerd sorts references. */
export function repoDigests(img: Image): string[] {
  return digestNames(img).map(familiar).sort();
}

function createdSeconds(img: Image): number {
  return img.config.created ? Math.floor(Date.parse(img.config.created) / 1000) : 0;
}

/** What an image list or inspect answer shows besides the image: the request's API version and the store's view of its manifest. */
export interface ImageView {
  /** The request's API version ('' = newest). */
  version: string;
  /** The image's manifest in the OCI store; gives `Descriptor` from 1.48. */
  manifest?: ManifestInfo;
  /** Whether `Manifests` was asked for (`manifests=1`, or `identity=1` on the list from 1.54). */
  manifests?: boolean;
  /** The parent image's ID (inspect's `Parent`), '' when none. */
  parent?: string;
}

/** Docker's OCI descriptor of an image's target (`Descriptor`), without the platform as containerd's store reports it. */
function targetDescriptor(m: ManifestInfo): OciDescriptor {
  return { mediaType: m.descriptor.mediaType, digest: m.descriptor.digest, size: m.descriptor.size };
}

/** Docker's `ImageManifestSummary` for the one manifest of an image (kind image). */
export function toManifestSummary(m: ManifestInfo): ImageManifestSummary {
  return {
    ID: m.descriptor.digest,
    Descriptor: { ...m.descriptor },
    Available: m.available,
    Size: { Total: m.contentSize + m.unpackedSize, Content: m.contentSize },
    Kind: 'image',
    ImageData: { Platform: { ...m.descriptor.platform }, Containers: m.containers, Size: { Unpacked: m.unpackedSize } },
  };
}

/** The `Descriptor` and `Manifests` fields for a request, by its version. */
function manifestFields(view: ImageView, manifestsFrom: 'imageListManifests' | 'imageDescriptor'): Pick<ImageSummary, 'Descriptor' | 'Manifests'> {
  const m = view.manifest;
  if (m === undefined) return {};
  return {
    ...(at(view.version, 'imageDescriptor') ? { Descriptor: targetDescriptor(m) } : {}),
    ...(view.manifests && at(view.version, manifestsFrom) ? { Manifests: [toManifestSummary(m)] } : {}),
  };
}

/**
 * `GET /images/json` item (and `system df`'s images). Below 1.43 dangling images carry `<none>`
 * placeholders; `VirtualSize` goes at 1.44; `Containers` is -1 below 1.51 unless counted.
 */
export function toImageSummary(img: Image, containers = -1, view: ImageView = { version: '' }): ImageSummary {
  const tags = repoTags(img);
  const digests = repoDigests(img);
  const placeholders = !at(view.version, 'noImageNonePlaceholders') && tags.length === 0 && digests.length === 0;
  return {
    Id: img.id,
    ParentId: '',
    RepoTags: placeholders ? ['<none>:<none>'] : tags,
    RepoDigests: placeholders ? ['<none>@<none>'] : digests,
    Created: createdSeconds(img),
    Size: img.size,
    SharedSize: -1,
    ...(at(view.version, 'noVirtualSize') ? {} : { VirtualSize: img.size }),
    Labels: img.config.config?.Labels ?? null,
    Containers: containers,
    ...manifestFields(view, 'imageListManifests'),
  };
}

/** The container-only fields Docker's image `Config` carried until 1.50 (always empty there). */
const CONTAINER_ONLY = ['Hostname', 'Domainname', 'AttachStdin', 'AttachStdout', 'AttachStderr', 'Tty', 'OpenStdin', 'StdinOnce', 'Image'];
/** Image config fields left out when unset from 1.52 (the OCI image-spec's omitempty ones). */
const OMIT_UNSET = ['Cmd', 'Entrypoint', 'Env', 'Labels', 'OnBuild', 'User', 'Volumes', 'WorkingDir'];

const isEmpty = (v: unknown): boolean =>
  v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && Object.keys(v).length === 0);

/** An image's `Config` as the version shows it. */
function imageConfig(c: Image['config']['config'], version: string): ImageInspect['Config'] {
  const out: Record<string, unknown> = fullConfig(c);
  if (at(version, 'imageConfigOnly')) for (const k of CONTAINER_ONLY) delete out[k];
  if (at(version, 'imageInspectOmitEmpty')) for (const k of OMIT_UNSET) if (isEmpty(out[k])) delete out[k];
  return out as ImageInspect['Config'];
}

/**
 * `GET /images/{name}/json`, by the request's version: `Container`/`ContainerConfig` below 1.45
 * (a committed image's source container and its config; for other images the config of the step
 * that made the top layer), `VirtualSize` below 1.44, `Descriptor` (and `Manifests` when asked)
 * from 1.48, empty descriptive fields left out from 1.52.
 */
export function toImageInspect(img: Image, driver: string, view: ImageView = { version: '' }): ImageInspect {
  const c = img.config;
  const v = view.version;
  const omitEmpty = at(v, 'imageInspectOmitEmpty');
  const text = (key: string, value: string): Record<string, string> => (omitEmpty && value === '' ? {} : { [key]: value });
  // Docker's ContainerConfig is the config of the container that made the top layer: a commit's
  // source container, none for an import, the build step's (`/bin/sh -c <instruction>`) for a built image.
  const createdBy = c.history?.at(-1)?.created_by;
  const containerConfig = c.container_config
    ? fullConfig(c.container_config)
    : createdBy
      ? fullConfig({ ...c.config, Cmd: ['/bin/sh', '-c', createdBy] })
      : fullConfig({});
  const created = c.created ?? (at(v, 'imageCreatedOmitted') ? undefined : '0001-01-01T00:00:00Z');
  return {
    Id: img.id,
    RepoTags: repoTags(img),
    RepoDigests: repoDigests(img),
    ...text('Parent', view.parent ?? ''),
    ...text('Comment', c.comment ?? ''),
    ...(created !== undefined ? { Created: created } : {}),
    ...(at(v, 'noImageContainerConfig') ? {} : { Container: c.container ?? '', ContainerConfig: containerConfig }),
    ...text('DockerVersion', c.docker_version ?? ''),
    ...text('Author', c.author ?? ''),
    Config: imageConfig(c.config, v),
    Architecture: c.architecture,
    ...(c.variant ? { Variant: c.variant } : {}),
    Os: c.os,
    Size: img.size,
    ...(at(v, 'noVirtualSize') ? {} : { VirtualSize: img.size }),
    GraphDriver: { Name: driver, Data: null },
    RootFS: { Type: 'layers', Layers: c.rootfs.diff_ids },
    Metadata: { LastTagTime: '0001-01-01T00:00:00Z' },
    ...manifestFields(view, 'imageDescriptor'),
  };
}

/**
 * `GraphDriver` of an image, given its layer dirs bottom first: overlay's top layer is the
 * UpperDir and the rest the LowerDir (topmost first), as Docker's overlay2 reports; other
 * drivers name the top layer's full copy.
 */
export function graphDriver(driver: string, layerDirs: string[]): ImageInspect['GraphDriver'] {
  const top = layerDirs.at(-1);
  if (top === undefined) return { Name: driver, Data: null };
  if (driver !== 'overlayfs') return { Name: driver, Data: { Dir: top } };
  const lower = layerDirs.slice(0, -1).reverse();
  return { Name: driver, Data: { ...(lower.length ? { LowerDir: lower.join(':') } : {}), UpperDir: top } };
}
