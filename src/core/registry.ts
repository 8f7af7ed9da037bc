import type { Readable } from 'node:stream';
import type { Digest } from '../lib/digest.js';

/**
 * The remote side of pull and push: repositories on an OCI distribution registry.
 * Implemented by `registry/` (HTTP, auth, TLS, mirrors) and wired in by the daemon; services
 * depend only on this contract. Errors are BerthErrors in distribution's words
 * (`manifest unknown`, `unauthorized: …`), with NotFound / Unauthorized / Unavailable kinds.
 */

/** Docker's AuthConfig, as carried by `X-Registry-Auth` and `POST /auth`. */
export interface AuthConfig {
  username?: string;
  password?: string;
  auth?: string;
  identitytoken?: string;
  registrytoken?: string;
  serveraddress?: string;
}

export interface FetchedManifest {
  /** The declared media type (index, manifest list, OCI or schema2 manifest). */
  mediaType: string;
  /** sha256 of `bytes`; when fetched by digest it has been checked against it. */
  digest: Digest;
  bytes: Buffer;
}

export interface BlobSource {
  digest: Digest;
  size: number;
  /** The blob's bytes in [start, end). */
  open(start: number, end: number): Readable;
}

export interface RemoteRepository {
  /** The registry host as in references (`localhost:5000`, `docker.io`). */
  readonly domain: string;
  /** The repository path (`library/busybox`). */
  readonly name: string;
  manifest(reference: string): Promise<FetchedManifest>;
  /** The blob's unverified bytes: callers verify the digest before anything becomes visible. */
  blob(digest: Digest): Promise<Readable>;
  hasBlob(digest: Digest): Promise<boolean>;
  tags(): Promise<string[]>;
  /** Cross-repository mount from `from` (a path on the same registry); false when not mounted. */
  mount(digest: Digest, from: string): Promise<boolean>;
  /** Uploads a blob (monolithic, or in chunks when large), reporting bytes sent. */
  upload(blob: BlobSource, onProgress: (sent: number) => void): Promise<void>;
  putManifest(tag: string, mediaType: string, bytes: Buffer): Promise<void>;
}

export interface RegistryClient {
  /** A repository; for pulls, mirrors of its registry are tried first. */
  repository(opts: { domain: string; name: string; auth?: AuthConfig; push?: boolean; probe?: string }): Promise<RemoteRepository>;
  /** Checks credentials against a registry's `/v2/` (what `docker login` does). */
  login(domain: string, auth: AuthConfig): Promise<void>;
}
