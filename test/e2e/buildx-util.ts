import { existsSync } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Daemon } from './harness.js';

/**
 * buildx as Debian ships it (0.13, `docker-buildx` from trixie): `BERTH_BUILDX` names the binary,
 * else it is looked for where scripts/fetch-cli-plugins puts it. Never installed system-wide: each
 * test daemon's own DOCKER_CONFIG gets it as a CLI plugin.
 */
export const BUILDX = process.env.BERTH_BUILDX ?? join(process.env.BERTH_CLI_PLUGINS ?? '/var/cache/berth/cli-plugins', 'docker-buildx');

/** A suite's `skip` option: false, or why buildx tests cannot run here. */
export const buildxSkip: string | false = existsSync(BUILDX)
  ? false
  : `buildx not found at ${BUILDX} (scripts/fetch-cli-plugins fetches it from Debian trixie; or set BERTH_BUILDX)`;

/** Makes `d.docker` use buildx: the plugin in the daemon's test-only DOCKER_CONFIG. */
export async function addBuildx(d: Daemon): Promise<void> {
  const plugins = join(d.dir, 'docker-config', 'cli-plugins');
  await mkdir(plugins, { recursive: true });
  await symlink(BUILDX, join(plugins, 'docker-buildx'));
}
