import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, readFile, rename, rm, stat, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobInfo, ContentStore, ContentWriter } from '../../core/content.js';
import { invalidArgument, isErrno, notFound } from '../../lib/errdefs.js';
import { hexOf, type Digest } from '../../lib/digest.js';
import { mkdirp, syncDir } from '../../lib/atomic-file.js';

/**
 * Blobs in an OCI image layout (`oci-layout`, `blobs/sha256/<hex>`), so skopeo/umoci can read it.
 * Writes stream into `ingest/` and are renamed into `blobs/` only after the digest is verified.
 */
export class LocalContentStore implements ContentStore {
  private constructor(private readonly root: string) {}

  /**
   * Opens the store. Nothing writes yet, so whatever is in `ingest/` is a write a crash cut short:
   * removed, each reported to `onReclaim`.
   */
  static async open(root: string, onReclaim?: (msg: string) => void): Promise<LocalContentStore> {
    await mkdirp(join(root, 'blobs', 'sha256'));
    await mkdirp(join(root, 'ingest'));
    for (const name of await readdir(join(root, 'ingest'))) {
      await rm(join(root, 'ingest', name), { recursive: true, force: true });
      onReclaim?.(`removed unfinished blob write content/ingest/${name} (write cut short)`);
    }
    const layout = join(root, 'oci-layout');
    await writeFile(layout, '{"imageLayoutVersion":"1.0.0"}', { flag: 'wx' }).catch((err) => {
      if (!isErrno(err, 'EEXIST')) throw err;
    });
    return new LocalContentStore(root);
  }

  blobPath(digest: Digest): string {
    return join(this.root, 'blobs', 'sha256', hexOf(digest));
  }

  async info(digest: Digest): Promise<BlobInfo | undefined> {
    try {
      const st = await stat(this.blobPath(digest));
      return { digest, size: st.size };
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
  }

  async read(digest: Digest): Promise<Buffer> {
    try {
      return await readFile(this.blobPath(digest));
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw notFound(`content ${digest}: not found`);
      throw err;
    }
  }

  readStream(digest: Digest, range?: { start: number; end: number }): Readable {
    return createReadStream(this.blobPath(digest), range ? { start: range.start, end: range.end - 1 } : undefined);
  }

  async writer(): Promise<ContentWriter> {
    const tmp = join(this.root, 'ingest', randomBytes(12).toString('hex'));
    const fh = await open(tmp, 'wx', 0o644);
    return new LocalWriter(this, fh, tmp);
  }

  async put(data: Buffer | string): Promise<BlobInfo> {
    const w = await this.writer();
    try {
      await w.write(Buffer.from(data));
      return await w.commit();
    } catch (err) {
      await w.abort();
      throw err;
    }
  }

  async adopt(file: string, digest: Digest): Promise<BlobInfo> {
    const fh = await open(file, 'r');
    try {
      await fh.chmod(0o644); // as the writer makes blobs
      await fh.sync(); // durable before it becomes visible, as commit() does
    } finally {
      await fh.close();
    }
    const dest = this.blobPath(digest);
    await rename(file, dest);
    await syncDir(join(dest, '..'));
    return { digest, size: (await stat(dest)).size };
  }

  async delete(digest: Digest): Promise<void> {
    await unlink(this.blobPath(digest)).catch((err) => {
      if (!isErrno(err, 'ENOENT')) throw err;
    });
  }
}

/** Chunks are gathered up to this size before they are written (stream chunks are 16–64 KiB). */
const WRITE_BATCH = 1 << 20;

class LocalWriter implements ContentWriter {
  private readonly hash: Hash = createHash('sha256');
  private written = 0;
  private closed = false;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly store: LocalContentStore,
    private readonly fh: FileHandle,
    private readonly tmp: string,
  ) {}

  get size(): number {
    return this.written;
  }

  async write(chunk: Buffer): Promise<void> {
    this.hash.update(chunk);
    this.written += chunk.length;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= WRITE_BATCH) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    let off = 0;
    while (off < data.length) {
      const { bytesWritten } = await this.fh.write(data, off);
      off += bytesWritten;
    }
  }

  digest(): Digest {
    return `sha256:${this.hash.copy().digest('hex')}`;
  }

  async commit(expected?: Digest): Promise<BlobInfo> {
    const digest = this.digest();
    if (expected !== undefined && expected !== digest) {
      await this.abort();
      throw invalidArgument(`digest mismatch: expected ${expected}, got ${digest}`);
    }
    const dest = this.store.blobPath(digest);
    try {
      await this.flush();
      await this.fh.sync();
      await this.fh.close();
      this.closed = true;
      await rename(this.tmp, dest);
    } catch (err) {
      // A failed commit (a full disk) leaves nothing: no open handle, no ingest file — whether
      // or not the caller aborts too.
      await this.abort().catch(() => undefined);
      throw err;
    }
    await syncDir(join(dest, '..'));
    return { digest, size: this.written };
  }

  async abort(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await this.fh.close();
    }
    await unlink(this.tmp).catch((err) => {
      if (!isErrno(err, 'ENOENT')) throw err;
    });
  }
}
