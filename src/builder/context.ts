import type { Readable } from 'node:stream';
import { invalidArgument } from '../lib/errdefs.js';
import { decompress } from '../lib/archive/decompress.js';
import { mkdirp } from '../lib/atomic-file.js';
import { contextFilter, parseIgnoreFile } from '../lib/dockerignore.js';
import { BuildContext } from './context-index.js';

export { BuildContext };

/** The build context from the request body (a tar, possibly compressed); `dispose` removes it. */
export async function receiveContext(scratch: string, body: Readable): Promise<BuildContext> {
  await mkdirp(scratch, 0o700);
  try {
    return await BuildContext.receive(scratch, await decompress(body));
  } catch (err) {
    throw invalidArgument(`failed to read the build context: ${(err as Error).message}`);
  }
}

/** Reads the Dockerfile inside the context (symlinks resolved inside it, never out of it). */
export async function readDockerfile(ctx: BuildContext, name: string): Promise<string> {
  for (const candidate of name === 'Dockerfile' ? ['Dockerfile', 'dockerfile'] : [name]) {
    const found = await ctx.lookup(candidate);
    if (found?.entry.kind === 'file') return (await ctx.readAll(found.entry)).toString('utf8');
  }
  throw invalidArgument(`Cannot locate specified Dockerfile: ${name}`);
}

/**
 * Docker's removeDockerfile: when the context's `.dockerignore` names `.dockerignore` or the
 * Dockerfile (itself or a parent directory), they leave the context once the Dockerfile was read,
 * so COPY cannot see them. This is also how a Dockerfile from outside the context goes: the
 * clients add it as `.dockerfile.<random>` and append that name to `.dockerignore`.
 */
export async function dropIgnoredBuildFiles(ctx: BuildContext, dockerfile: string): Promise<void> {
  const found = await ctx.lookup('.dockerignore');
  if (found?.entry.kind !== 'file') return;
  const filter = contextFilter(parseIgnoreFile((await ctx.readAll(found.entry)).toString('utf8')));
  for (const name of ['.dockerignore', dockerfile]) {
    const rel = name
      .split('/')
      .filter((p) => p !== '' && p !== '.')
      .join('/');
    if (rel !== '' && filter.excludes(rel)) ctx.remove(rel);
  }
}

/**
 * `<Dockerfile>.dockerignore` (BuildKit's per-Dockerfile ignore file), applied by the daemon: the
 * docker CLI's classic path only applies `.dockerignore` itself, so this keeps both clients alike.
 */
export async function applyDockerfileIgnore(ctx: BuildContext, dockerfile: string): Promise<void> {
  const text = await readDockerfile(ctx, `${dockerfile}.dockerignore`).catch(() => undefined);
  if (text === undefined) return;
  const filter = contextFilter(parseIgnoreFile(text), [dockerfile, `${dockerfile}.dockerignore`, '.dockerignore']);
  const doomed: string[] = [];
  for await (const e of ctx.walk('', (rel) => filter.prunes(rel))) {
    if (filter.prunes(e.rel) || (e.kind !== 'dir' && filter.excludes(e.rel))) doomed.push(e.rel);
  }
  for (const p of doomed) ctx.remove(p);
}
