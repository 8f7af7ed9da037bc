import type { ContentStore } from '../../core/content.js';
import { invalidArgument } from '../../lib/errdefs.js';
import type { Digest } from '../../lib/digest.js';
import type { RemoteRepository } from '../../core/registry.js';

/**
 * Downloads in flight, per content store: a second pull that needs the same blob waits for the
 * first download instead of starting another (Docker's download manager does the same).
 */
const inflight = new WeakMap<ContentStore, Map<Digest, Promise<void>>>();

/** Which repositories (`host/path`) are known to hold a blob: candidates for a cross-repo mount. */
const sources = new WeakMap<ContentStore, Map<Digest, Set<string>>>();

export function recordSource(content: ContentStore, digest: Digest, repo: string): void {
  let m = sources.get(content);
  if (!m) sources.set(content, (m = new Map()));
  let s = m.get(digest);
  if (!s) m.set(digest, (s = new Set()));
  s.add(repo);
}

export function knownSources(content: ContentStore, digest: Digest): string[] {
  return [...(sources.get(content)?.get(digest) ?? [])];
}

/**
 * Streams a blob from the registry into the content store; it becomes visible only once its
 * digest checks (the writer's commit). A failure or a mismatch discards the partial ingest, so
 * a retry starts clean. `onProgress(bytes, total)` is called as data arrives.
 */
export async function fetchBlob(
  content: ContentStore,
  repo: RemoteRepository,
  digest: Digest,
  size: number,
  onProgress: (n: number, total: number) => void,
): Promise<'downloaded' | 'shared' | 'present'> {
  if ((await content.info(digest)) !== undefined) return 'present';
  let m = inflight.get(content);
  if (!m) inflight.set(content, (m = new Map()));
  const running = m.get(digest);
  if (running) {
    await running;
    return 'shared';
  }
  const job = download(content, repo, digest, size, onProgress);
  m.set(digest, job);
  try {
    await job;
  } finally {
    m.delete(digest);
  }
  return 'downloaded';
}

async function download(
  content: ContentStore,
  repo: RemoteRepository,
  digest: Digest,
  size: number,
  onProgress: (n: number, total: number) => void,
): Promise<void> {
  const body = await repo.blob(digest);
  const writer = await content.writer();
  try {
    // Network chunks are small (the writer gathers them into large writes): progress every ~1 MiB.
    let shown = 0;
    for await (const chunk of body) {
      // A registry sending more than the descriptor says is cut off at once, not written to its end.
      if (size > 0 && writer.size + (chunk as Buffer).length > size)
        throw invalidArgument(`failed to download ${digest}: more than the ${size} bytes the manifest says`);
      await writer.write(chunk as Buffer);
      if (writer.size - shown < 1 << 20) continue;
      shown = writer.size;
      onProgress(writer.size, size);
    }
    onProgress(writer.size, size);
    if (size > 0 && writer.size !== size) throw invalidArgument(`failed to download ${digest}: got ${writer.size} bytes, the manifest says ${size}`);
  } catch (err) {
    body.destroy();
    await writer.abort();
    throw err;
  }
  if (writer.digest() !== digest) {
    await writer.abort();
    throw invalidArgument(`filesystem layer verification failed for digest ${digest}`);
  }
  await writer.commit(digest);
}
