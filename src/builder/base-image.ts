import type { Image } from '../core/images.js';
import { BerthError, kindOf, messageOf, notFound } from '../lib/errdefs.js';
import { fullName, parseNormalizedNamed } from '../lib/reference.js';
import { pullImage } from '../services/images/pull.js';
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
    await pullImage({ ...run.deps.images, registry }, { ref, ...(auth ? { auth } : {}) });
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
