import { join } from 'node:path';
import type { ContentProvider } from '../../core/content.js';
import { invalidArgument, notFound } from '../../lib/errdefs.js';
import type { Image, ImageConfigBlob, ImageStore } from '../../core/images.js';
import { isDigest, type Digest } from '../../lib/digest.js';
import { readJsonIfExists, writeJsonAtomic } from '../../lib/atomic-file.js';
import { fullName, parseNormalizedNamed } from '../../lib/reference.js';
import { MEDIA_TYPE, type Descriptor, type OciIndex, type OciManifest } from '../../lib/oci/image-spec.js';

const NAME_ANNOTATION = 'io.containerd.image.name';
const REF_ANNOTATION = 'org.opencontainers.image.ref.name';

/**
 * Images live in the content store's OCI `index.json`: one descriptor per (manifest, name),
 * plus a nameless descriptor for a dangling image. The index is rewritten atomically on every
 * change, and held in memory for lookups.
 */
export class LocalImageStore implements ImageStore {
  private readonly images = new Map<Digest, Image>();

  private constructor(
    private readonly content: ContentProvider,
    private readonly indexPath: string,
  ) {}

  static async open(content: ContentProvider, contentRoot: string): Promise<LocalImageStore> {
    const store = new LocalImageStore(content, join(contentRoot, 'index.json'));
    await store.load();
    return store;
  }

  private async load(): Promise<void> {
    const index = await readJsonIfExists<OciIndex>(this.indexPath);
    for (const desc of index?.manifests ?? []) {
      const manifest = JSON.parse((await this.content.read(desc.digest)).toString()) as OciManifest;
      const config = JSON.parse((await this.content.read(manifest.config.digest)).toString()) as ImageConfigBlob;
      const id = manifest.config.digest;
      const img = this.images.get(id) ?? { id, names: [], manifestDigest: desc.digest, config, size: sumLayers(manifest) };
      const name = desc.annotations?.[NAME_ANNOTATION];
      if (name !== undefined) img.names.push(name);
      this.images.set(id, img);
    }
  }

  private async persist(): Promise<void> {
    const manifests: Descriptor[] = [];
    for (const img of this.images.values()) {
      const base = { mediaType: MEDIA_TYPE.ociManifest, digest: img.manifestDigest, size: (await this.content.info(img.manifestDigest))?.size ?? 0 };
      if (img.names.length === 0) manifests.push(base);
      for (const name of img.names) {
        const tag = parseNormalizedNamed(name).tag;
        manifests.push({ ...base, annotations: { [NAME_ANNOTATION]: name, ...(tag ? { [REF_ANNOTATION]: tag } : {}) } });
      }
    }
    await writeJsonAtomic(this.indexPath, { schemaVersion: 2, mediaType: MEDIA_TYPE.ociIndex, manifests });
  }

  list(): Image[] {
    return [...this.images.values()];
  }

  get(id: Digest): Image | undefined {
    return this.images.get(id);
  }

  resolve(nameOrId: string): Image | undefined {
    const s = nameOrId.startsWith('sha256:') ? nameOrId : null;
    if (s !== null) return isDigest(s) ? this.images.get(s) : this.byPrefix(s.slice(7));
    let name: string | undefined;
    try {
      name = fullName(parseNormalizedNamed(nameOrId));
    } catch {
      name = undefined;
    }
    if (name !== undefined) {
      for (const img of this.images.values()) if (img.names.includes(name)) return img;
    }
    return this.byPrefix(nameOrId);
  }

  /** The one image whose ID starts with `hex`; nothing for an empty or non-hex prefix (`sha256:` alone). */
  private byPrefix(hex: string): Image | undefined {
    if (!/^[a-f0-9]{1,64}$/.test(hex)) return undefined;
    const found = [...this.images.values()].filter((img) => img.id.slice(7).startsWith(hex));
    if (found.length > 1) throw invalidArgument(`multiple IDs found with provided prefix: ${hex}`);
    return found[0];
  }

  async add(image: Image): Promise<void> {
    const existing = this.images.get(image.id);
    for (const name of image.names) this.detachName(name);
    this.images.set(image.id, { ...image, names: [...new Set([...(existing?.names ?? []), ...image.names])] });
    await this.persist();
  }

  async tag(id: Digest, name: string): Promise<void> {
    const img = this.images.get(id);
    if (img === undefined) throw notFound(`No such image: ${id}`);
    if (img.names.includes(name)) return; // already so (every cached build re-tags its image): nothing to write
    this.detachName(name);
    img.names.push(name);
    await this.persist();
  }

  async untag(name: string): Promise<Image | undefined> {
    const img = this.detachName(name);
    if (img !== undefined) await this.persist();
    return img;
  }

  async delete(id: Digest): Promise<void> {
    if (!this.images.delete(id)) throw notFound(`No such image: ${id}`);
    await this.persist();
  }

  /** Moves a name off whichever image holds it; the image stays (dangling if it was its last name). */
  private detachName(name: string): Image | undefined {
    for (const img of this.images.values()) {
      const i = img.names.indexOf(name);
      if (i >= 0) {
        img.names.splice(i, 1);
        return img;
      }
    }
    return undefined;
  }
}

function sumLayers(m: OciManifest): number {
  return m.layers.reduce((n, l) => n + l.size, 0);
}
