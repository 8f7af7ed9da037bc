/**
 * The `docker save` archive (docker-archive): `manifest.json` lists the images, each with the
 * archive paths of its config and layer tars; `repositories` is the legacy name → top-layer map.
 * Docker 25+ keeps all files under `blobs/sha256/` and adds an OCI `index.json` and `oci-layout`,
 * so the same tar is also an OCI image layout archive.
 */
export interface DockerArchiveManifestEntry {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
  /** Foreign layers (not in the archive); berth neither writes nor accepts them. */
  LayerSources?: Record<string, unknown>;
}

export type DockerArchiveManifest = DockerArchiveManifestEntry[];

/** `repositories`: familiar repository → tag → hex ID of the image's top layer. */
export type DockerArchiveRepositories = Record<string, Record<string, string>>;

export const OCI_LAYOUT = '{"imageLayoutVersion":"1.0.0"}';
export const IMAGE_NAME_ANNOTATION = 'io.containerd.image.name';
export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';

/** Where a blob lives in an OCI layout (and in Docker 25+'s save archives). */
export function blobPath(digest: string): string {
  const [alg, hex] = digest.split(':');
  return `blobs/${alg}/${hex}`;
}
