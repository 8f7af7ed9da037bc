import { readJsonMessages } from '../../client/engine.js';
import { familiarString, fullName, parseNormalizedNamed, parseReference, repositoryName } from '../../lib/reference.js';
import { engine } from '../endpoint/context.js';
import { StatusError } from '../exit/errors.js';
import { layerProgress } from '../format/progress.js';
import { registryAuthFor } from './auth.js';

export interface PullOptions {
  all?: boolean;
  platform?: string;
  quiet?: boolean;
}

/** Pulls `image`, drawing Docker's progress on `write` (nothing when quiet); returns the full name pulled. `pull` and `run`/`create` (a missing image) both pull through it. */
export async function pull(image: string, opts: PullOptions, write: (s: string) => void, tty: boolean): Promise<string> {
  const ref = opts.all ? parseReference(image) : parseNormalizedNamed(image);
  if (opts.all && (ref.tag !== undefined || ref.digest !== undefined)) throw new StatusError(1, "tag can't be used with --all-tags/-a");
  const repo = familiarString({ ...ref, tag: undefined, digest: undefined });
  const query = { fromImage: repo, tag: opts.all ? undefined : (ref.digest ?? ref.tag), platform: opts.platform };
  const stream = await engine().imagePull(query, await registryAuthFor(image));
  const progress = layerProgress(write, tty);
  await readJsonMessages(stream, (m) => {
    if (!opts.quiet) progress.update(m);
  });
  return opts.all ? repositoryName(ref) : fullName(ref);
}
