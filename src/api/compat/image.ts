import type { Image } from '../../core/images.js';
import { familiarString, parseNormalizedNamed } from '../../lib/reference.js';
import type { ImageInspect, ImageSummary } from '../types/images.js';
import { fullConfig } from './container-defaults.js';

const familiar = (name: string): string => familiarString(parseNormalizedNamed(name));

export function repoTags(img: Image): string[] {
  return img.names.filter((n) => !n.includes('@')).map(familiar);
}

function createdSeconds(img: Image): number {
  return img.config.created ? Math.floor(Date.parse(img.config.created) / 1000) : 0;
}

/** `GET /images/json` item. Dangling images carry `<none>` placeholders, as API 1.41 does. */
export function toImageSummary(img: Image, containers = -1): ImageSummary {
  const tags = repoTags(img);
  return {
    Id: img.id,
    ParentId: '',
    RepoTags: tags.length ? tags : ['<none>:<none>'],
    RepoDigests: tags.length ? [] : ['<none>@<none>'],
    Created: createdSeconds(img),
    Size: img.size,
    SharedSize: -1,
    VirtualSize: img.size,
    Labels: img.config.config?.Labels ?? null,
    Containers: containers,
  };
}

export function toImageInspect(img: Image, driver: string): ImageInspect {
  const c = img.config;
  const runtime = fullConfig(c.config);
  // Docker's ContainerConfig is the config of the container that made the top layer: none for an
  // import, the build step's (`/bin/sh -c <instruction>`) for a built or committed image.
  const createdBy = c.history?.at(-1)?.created_by;
  const container = createdBy ? fullConfig({ ...c.config, Cmd: ['/bin/sh', '-c', createdBy] }) : fullConfig({});
  return {
    Id: img.id,
    RepoTags: repoTags(img),
    RepoDigests: [],
    Parent: '',
    Comment: c.comment ?? '',
    Created: c.created ?? '0001-01-01T00:00:00Z',
    Container: '',
    ContainerConfig: container,
    DockerVersion: c.docker_version ?? '',
    Author: c.author ?? '',
    Config: runtime,
    Architecture: c.architecture,
    ...(c.variant ? { Variant: c.variant } : {}),
    Os: c.os,
    Size: img.size,
    VirtualSize: img.size,
    GraphDriver: { Name: driver, Data: null },
    RootFS: { Type: 'layers', Layers: c.rootfs.diff_ids },
    Metadata: { LastTagTime: '0001-01-01T00:00:00Z' },
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
