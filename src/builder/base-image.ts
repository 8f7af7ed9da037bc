import type { Image } from '../core/images.js';
import { BerthError, kindOf, messageOf, notFound } from '../lib/errdefs.js';
import { fullName, parseNormalizedNamed } from '../lib/reference.js';
import { pullImage, type PullEvent } from '../services/images/pull.js';
import type { BuildRun } from './state.js';

/**
 * The image a FROM names: the store's, else (a BuildKit build, with a registry client wired in)
 * pulled with the client's own credentials for its registry, asked through the session as
 * BuildKit does, and failing in BuildKit's words. The classic `POST /build` does not pull.
 */
export async function baseImage(run: BuildRun, ref: string): Promise<Image> {
  const local = run.deps.images.images.resolve(ref);
  if (local !== undefined) return local;
  const registry = run.deps.images.registry;
  const session = run.opts.session;
  if (registry === undefined || session === undefined) throw notFound(`pull access denied for ${ref}, repository does not exist or may require 'docker login'`);
  const named = parseNormalizedNamed(ref);
  try {
    const auth = await session.credentials(named.domain);
    await pullImage({ ...run.deps.images, registry }, { ref, ...(auth ? { auth } : {}), onEvent: pullStatus(run, fullName(named)) });
  } catch (err) {
    // A refusal or an unreachable registry is the build's own failure, as BuildKit reports it (no gRPC code
    // of its own, so buildx prints the bare message): the image cannot be had.
    const kind = ['Unauthorized', 'Forbidden', 'Unavailable'].includes(kindOf(err)) ? 'NotFound' : kindOf(err);
    const name = fullName(named);
    throw new BerthError(kind, `${name}: failed to resolve source metadata for ${name}: ${messageOf(err)}`, { cause: err });
  }
  const pulled = run.deps.images.images.resolve(ref);
  if (pulled === undefined) throw notFound(`failed to resolve source metadata for ${fullName(named)}: not found after its pull`);
  return pulled;
}

/** A pull's progress as BuildKit shows it under the FROM step: `resolve <name>`, each layer's bytes, its extraction. */
function pullStatus(run: BuildRun, name: string): (e: PullEvent) => void {
  const totals = new Map<string, number>();
  return (e) => {
    const status = run.steps?.status;
    if (status === undefined) return;
    // The manifest was fetched when the pull names its repository.
    if (e.status.startsWith('Pulling from ')) return status.call(run.steps, `resolve ${name}`, 0, 0, true);
    if (e.id === undefined || !/^[0-9a-f]{12}$/.test(e.id)) return;
    const layer = `sha256:${e.id}`;
    if (e.total !== undefined) totals.set(`${e.status} ${e.id}`, e.total);
    if (e.status === 'Downloading') status.call(run.steps, layer, e.current ?? 0, e.total ?? 0, false);
    else if (e.status === 'Download complete')
      status.call(run.steps, layer, totals.get(`Downloading ${e.id}`) ?? 0, totals.get(`Downloading ${e.id}`) ?? 0, true);
    else if (e.status === 'Extracting') status.call(run.steps, `extracting ${layer}`, 0, 0, false);
    else if (e.status === 'Pull complete') status.call(run.steps, `extracting ${layer}`, 0, 0, true);
  };
}
