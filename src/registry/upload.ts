import type { Readable } from 'node:stream';
import { unavailable } from '../lib/errdefs.js';
import type { BlobSource } from '../core/registry.js';
import type { Digest } from '../lib/digest.js';
import { readBody } from './http.js';
import type { Repository } from './repository.js';

/**
 * Tries a cross-repository mount (`POST uploads/?mount=<digest>&from=<repo>`): true when the
 * registry linked the blob (201). A 202 means it started a plain upload instead; its location
 * is returned so the caller uploads there.
 */
export async function mountBlob(repo: Repository, digest: Digest, from: string): Promise<{ mounted: true } | { mounted: false; location: string }> {
  const res = await repo.ok(
    {
      method: 'POST',
      path: `blobs/uploads/?mount=${digest}&from=${encodeURIComponent(from)}`,
      scopes: [`repository:${from}:pull`],
      headers: { 'Content-Length': '0' },
    },
    `mounting ${digest}`,
  );
  res.body.resume();
  if (res.status === 201) return { mounted: true };
  return { mounted: false, location: locationOf(repo, res.headers.location) };
}

export async function startUpload(repo: Repository): Promise<string> {
  const res = await repo.ok({ method: 'POST', path: 'blobs/uploads/', headers: { 'Content-Length': '0' } }, 'starting an upload');
  res.body.resume();
  return locationOf(repo, res.headers.location);
}

/**
 * Uploads a blob at `location`: one PUT when it fits in `chunkSize`, else PATCH chunks with
 * Content-Range, each continuing at the Location the registry answered, then the closing PUT.
 */
export async function uploadBlob(repo: Repository, location: string, blob: BlobSource, chunkSize: number, onProgress: (sent: number) => void): Promise<void> {
  let loc = location;
  if (blob.size <= chunkSize) {
    const res = await repo.ok(
      {
        method: 'PUT',
        path: withDigest(loc, blob.digest),
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(blob.size) },
        body: () => counted(blob.open(0, blob.size), 0, onProgress),
      },
      `uploading ${blob.digest}`,
    );
    res.body.resume();
    return;
  }
  for (let start = 0; start < blob.size; start += chunkSize) {
    const end = Math.min(blob.size, start + chunkSize);
    const res = await repo.ok(
      {
        method: 'PATCH',
        path: loc,
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(end - start), 'Content-Range': `${start}-${end - 1}` },
        body: () => counted(blob.open(start, end), start, onProgress),
      },
      `uploading ${blob.digest}`,
    );
    await readBody(res);
    loc = locationOf(repo, res.headers.location ?? loc);
  }
  const res = await repo.ok({ method: 'PUT', path: withDigest(loc, blob.digest), headers: { 'Content-Length': '0' } }, `committing ${blob.digest}`);
  res.body.resume();
}

function counted(s: Readable, base: number, onProgress: (sent: number) => void): Readable {
  let n = base;
  s.on('data', (c: Buffer) => onProgress((n += c.length)));
  return s;
}

function withDigest(loc: string, digest: Digest): string {
  const u = new URL(loc);
  u.searchParams.set('digest', digest);
  return u.href;
}

function locationOf(repo: Repository, loc: string | undefined): string {
  if (!loc) throw unavailable('the registry answered an upload without a Location');
  return new URL(loc, repo.endpoint.base).href;
}
