import { after, before } from 'node:test';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeTree } from './archive-util.js';
import type { RunResult } from './clients.js';
import { startDaemon, type Daemon } from './harness.js';

/**
 * buildx as Debian ships it (0.13, `docker-buildx` from trixie): `BERTH_BUILDX` names the binary,
 * else it is looked for where scripts/fetch-cli-plugins puts it. Never installed system-wide: each
 * test daemon's own DOCKER_CONFIG gets it as a CLI plugin (`installBuildx`).
 */
export const BUILDX = process.env.BERTH_BUILDX ?? join(process.env.BERTH_CLI_PLUGINS ?? '/var/cache/berth/cli-plugins', 'docker-buildx');
export const COMPOSE = process.env.BERTH_COMPOSE ?? join(dirname(BUILDX), 'docker-compose');
/** A suite's `skip` option: false, or why buildx is missing. */
export const buildxSkip = existsSync(BUILDX)
  ? false
  : `buildx not found at ${BUILDX} (scripts/fetch-cli-plugins fetches it from Debian trixie; or set BERTH_BUILDX)`;

/** Makes buildx a CLI plugin of the test daemon's docker CLI (its own DOCKER_CONFIG). */
export async function installBuildx(d: Daemon): Promise<void> {
  const plugins = join(d.dir, 'docker-config', 'cli-plugins');
  await mkdir(plugins, { recursive: true });
  await symlink(BUILDX, join(plugins, 'docker-buildx'));
}

/** The helpers every BuildKit suite uses, over the daemon `buildkitSuite` starts. */
export interface BuildkitSuite {
  /** The test daemon's docker CLI (buildx installed), with a build's time bound. */
  docker(args: string[], env?: NodeJS.ProcessEnv): Promise<RunResult>;
  /** A new build context under the suite's temp dir, from `files`. */
  context(files: Record<string, string>): Promise<string>;
  /** What a failed run printed, with the end of berthd's log. */
  failure(r: RunResult): string;
}

/**
 * A BuildKit suite's set-up, registered in the calling `describe`: a test daemon with buildx and a
 * temp dir named by `prefix`, handed to `ready` once started; both are gone after the suite.
 */
export function buildkitSuite(prefix: string, ready: (d: Daemon, tmp: string) => void): BuildkitSuite {
  let d: Daemon | undefined;
  let tmp = '';
  let n = 0;
  before(async () => {
    d = await startDaemon();
    tmp = await mkdtemp(join(tmpdir(), prefix));
    await installBuildx(d);
    ready(d, tmp);
  });
  after(async () => {
    await d?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });
  return {
    docker: (args, env) => d!.docker(args, { timeoutMs: 120_000, env }),
    context: (files) => writeTree(join(tmp, `ctx${n++}`), files),
    failure: (r) => `exit ${r.code}\nstderr: ${r.stderr}\nberthd log (tail):\n${d!.log().slice(-3000)}`,
  };
}
