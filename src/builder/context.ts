import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { invalidArgument, isErrno } from '../core/errdefs.js';
import { decompress } from '../lib/archive/decompress.js';
import { extractLayer } from '../lib/archive/extract.js';
import { mkdirp } from '../lib/atomic-file.js';
import { contextFilter, parseIgnoreFile } from '../lib/dockerignore.js';
import { resolveInRoot } from '../lib/fs/scoped-path.js';
import { walkTree } from '../lib/fs/walk.js';

/** The build context, unpacked from the request body into a temp dir that `dispose` removes. */
export interface BuildContext {
  dir: string;
  dispose(): Promise<void>;
}

export async function receiveContext(scratch: string, body: Readable): Promise<BuildContext> {
  await mkdirp(scratch, 0o700);
  const dir = await mkdtemp(join(scratch, 'build-context-'));
  const dispose = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    await extractLayer(await decompress(body), dir, { whiteouts: 'none' });
  } catch (err) {
    await dispose();
    throw invalidArgument(`failed to read the build context: ${(err as Error).message}`);
  }
  return { dir, dispose };
}

/** Reads the Dockerfile inside the context (symlinks resolved inside it, never out of it). */
export async function readDockerfile(dir: string, name: string): Promise<string> {
  for (const candidate of name === 'Dockerfile' ? ['Dockerfile', 'dockerfile'] : [name]) {
    const sp = await resolveInRoot(dir, candidate, true).catch(() => undefined);
    if (sp === undefined) continue;
    try {
      return await readFile(sp.hostPath, 'utf8');
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    } finally {
      await sp.close();
    }
  }
  throw invalidArgument(`Cannot locate specified Dockerfile: ${name}`);
}

/**
 * `<Dockerfile>.dockerignore` (BuildKit's per-Dockerfile ignore file), applied by the daemon: the
 * docker CLI's classic path only applies `.dockerignore` itself, so this keeps both clients alike.
 */
export async function applyDockerfileIgnore(dir: string, dockerfile: string): Promise<void> {
  const text = await readDockerfile(dir, `${dockerfile}.dockerignore`).catch(() => undefined);
  if (text === undefined) return;
  const filter = contextFilter(parseIgnoreFile(text), [dockerfile, `${dockerfile}.dockerignore`, '.dockerignore']);
  const doomed: string[] = [];
  for await (const e of walkTree(dir, (e) => filter.prunes(e.rel))) {
    if (filter.prunes(e.rel) || (!e.st.isDirectory() && filter.excludes(e.rel))) doomed.push(e.path);
  }
  for (const p of doomed) await rm(p, { recursive: true, force: true });
}
