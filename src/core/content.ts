import type { Readable } from 'node:stream';
import type { Digest } from '../lib/digest.js';

/**
 * The content store holds immutable blobs addressed by digest (layers, configs, manifests).
 * Roles are split: read (Provider), write (Ingester), delete (Manager).
 * A blob becomes visible only after `commit` has checked its digest: readers never see half a blob.
 * Writers of the same content may commit at the same time: the blob is stored once, whole.
 * `content.suite.ts` is the contract's test suite; every store runs it.
 */
export interface BlobInfo {
  digest: Digest;
  size: number;
}

export interface ContentProvider {
  /** undefined when the store has no such blob. */
  info(digest: Digest): Promise<BlobInfo | undefined>;
  /** NotFound when the store has no such blob. */
  read(digest: Digest): Promise<Buffer>;
  /** The blob's bytes, or those in [start, end) when a range is given (chunked uploads). */
  readStream(digest: Digest, range?: { start: number; end: number }): Readable;
}

export interface ContentWriter {
  /** Takes the chunk (it may be kept until a later write or the commit: the caller must not reuse it). */
  write(chunk: Buffer): Promise<void>;
  /** Bytes written so far. */
  readonly size: number;
  /** The digest of what was written so far. */
  digest(): Digest;
  /** Makes the blob visible; rejects (InvalidArgument, and discards it) when `expected` does not match. */
  commit(expected?: Digest): Promise<BlobInfo>;
  abort(): Promise<void>;
}

export interface ContentIngester {
  writer(): Promise<ContentWriter>;
  /** Convenience: store a small blob held in memory. */
  put(data: Buffer | string): Promise<BlobInfo>;
  /**
   * Optional: moves a file into the store as the blob `digest` — a rename instead of a copy, for
   * data already spooled to disk on the store's filesystem. The caller vouches for the digest: it
   * hashed exactly the bytes it wrote to a file nobody else can write. The file is gone after.
   */
  adopt?(file: string, digest: Digest): Promise<BlobInfo>;
}

export interface ContentManager {
  /** Deleting an absent blob is no error. */
  delete(digest: Digest): Promise<void>;
}

export type ContentStore = ContentProvider & ContentIngester & ContentManager;
