import { buildImage } from '../builder/build.js';
import type { BuilderDeps, BuildOptions } from '../builder/deps.js';
import type { Digest } from '../lib/digest.js';
import { BerthError, invalidArgument, messageOf } from '../lib/errdefs.js';
import { parseIgnoreFile } from '../lib/dockerignore.js';
import { timed } from '../lib/phase-timer.js';
import { mkdirp } from '../lib/atomic-file.js';
import { withDockerfileSource } from './error-source.js';
import { fetchContext, fetchFiles } from './local-source.js';
import type { BuildProgress } from './progress.js';
import type { Session } from './sessions.js';
import { getSessionCredentials } from './session-auth.js';
import { getSessionSecret } from './session-secrets.js';
import { forwardSessionAgent } from './session-ssh.js';
import { stepVertexes } from './step-vertexes.js';

/**
 * BuildKit's `dockerfile.v0` frontend, built in and served by the classic builder: the Dockerfile
 * and the context come from the client's session (`dockerfile` and `context` directories,
 * `.dockerignore` applied by the sender), then the same steps, cache and image store as
 * `POST /build`, with progress as BuildKit's vertexes. Returns the image.
 */
export async function dockerfileFrontend(deps: BuilderDeps, session: Session, progress: BuildProgress, attrs: Record<string, string>): Promise<Digest> {
  const filename = attrs['filename'] || 'Dockerfile';
  const dfDir = attrs['dockerfilekey'] || 'dockerfile';
  const ctxDir = attrs['contextkey'] || 'context';
  const opts = buildOptions(attrs, filename);

  const load = progress.vertex(`[internal] load build definition from ${filename}`);
  const dfFiles = await step(load, () => timed('buildkit: load Dockerfile', () => fetchFiles(session, dfDir, [filename, `${filename}.dockerignore`])));
  const dockerfile = dfFiles.get(filename);
  if (dockerfile === undefined) {
    const msg = `failed to read dockerfile: open ${filename}: no such file or directory`;
    load.complete({ error: msg });
    throw invalidArgument(msg);
  }
  load.status('transferring dockerfile:', dockerfile.length, 0, true);
  load.complete();

  let ignore = dfFiles.get(`${filename}.dockerignore`);
  if (ignore === undefined) {
    const v = progress.vertex('[internal] load .dockerignore');
    ignore = (await step(v, () => timed('buildkit: load .dockerignore', () => fetchFiles(session, ctxDir, ['.dockerignore'])))).get('.dockerignore');
    v.status('transferring context:', ignore?.length ?? 0, 0, true);
    v.complete();
  }
  const excludes = ignore === undefined ? [] : parseIgnoreFile(ignore.toString('utf8'));

  await mkdirp(deps.scratch, 0o700); // the steps' scratch space (POST /build makes it as it receives the context)
  const ctxVertex = progress.vertex('[internal] load build context');
  const { context, received } = await step(ctxVertex, () =>
    timed('buildkit: receive context', () => fetchContext(session, { dir: ctxDir, excludePatterns: excludes }, deps.cache.contexts)),
  );
  ctxVertex.status('transferring context:', received, 0, true);
  ctxVertex.complete();

  const steps = stepVertexes(progress);
  try {
    const id = await buildImage(
      deps,
      {
        ...opts,
        context,
        dockerfileText: dockerfile.toString('utf8'),
        session: {
          secret: (id) => getSessionSecret(session, id),
          credentials: (domain) => getSessionCredentials(session, domain),
          sshAgent: (id) => forwardSessionAgent(session, id),
        },
      },
      { stream: () => undefined, aux: () => undefined, steps },
    );
    steps.end();
    return id;
  } catch (err) {
    const e = withDockerfileSource(buildkitError(err), filename, dockerfile);
    steps.fail(e.message);
    throw e;
  } finally {
    await context.dispose();
  }
}

async function step<T>(v: { complete(o?: { error?: string }): void }, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    v.complete({ error: messageOf(err) });
    throw err;
  }
}

const PLATFORM_ARGS: Record<string, string> = {
  TARGETPLATFORM: 'linux/amd64',
  TARGETOS: 'linux',
  TARGETARCH: 'amd64',
  TARGETVARIANT: '',
  BUILDPLATFORM: 'linux/amd64',
  BUILDOS: 'linux',
  BUILDARCH: 'amd64',
  BUILDVARIANT: '',
};

/** The frontend's options (buildx's `--build-arg`, `--label`, `--target`, `--no-cache`, …) as the classic builder's. */
function buildOptions(attrs: Record<string, string>, filename: string): Omit<BuildOptions, 'context'> {
  const prefixed = (p: string): Record<string, string> =>
    Object.fromEntries(Object.entries(attrs).flatMap(([k, v]) => (k.startsWith(p) ? [[k.slice(p.length), v]] : [])));
  const network = attrs['force-network-mode'];
  return {
    dockerfile: filename,
    tags: [],
    // BuildKit's automatic platform ARGs (in scope once declared with ARG): one platform, the host's.
    buildArgs: { ...PLATFORM_ARGS, ...prefixed('build-arg:') },
    target: attrs['target'] || undefined,
    // buildx sends `no-cache` empty for --no-cache, and the stage names for --no-cache-filter.
    noCache: attrs['no-cache'] === '',
    noCacheStages: (attrs['no-cache'] ?? '').split(',').filter(Boolean),
    rm: true,
    forceRm: true,
    labels: prefixed('label:'),
    quiet: false,
    networkMode: network === 'none' || network === 'host' ? network : undefined,
    // buildx sends --add-host as `host=ip,…`; the classic builder takes Docker's `host:ip`.
    extraHosts: (attrs['add-hosts'] ?? '')
      .split(',')
      .filter(Boolean)
      .map((h) => h.replace('=', ':')),
    platform: attrs['platform'] || undefined,
    buildkit: true,
  };
}

const CLASSIC_RUN_FAILURE = /^The command '([\s\S]*)' returned a non-zero code: \d+$/;

/** A failed RUN in BuildKit's words (`process "/bin/sh -c false" did not complete successfully: exit code: 1`). */
export function buildkitError(err: unknown): Error {
  const m = CLASSIC_RUN_FAILURE.exec(messageOf(err));
  if (m === null || !(err instanceof BerthError) || err.exitCode === undefined) return err instanceof Error ? err : new Error(String(err));
  return new BerthError(err.kind, `process "${m[1]}" did not complete successfully: exit code: ${err.exitCode}`, { cause: err, exitCode: err.exitCode });
}
