import { isLive } from '../../core/containers.js';
import { notImplemented } from '../../lib/errdefs.js';
import type { NetworkDeps } from './deps.js';
import { removeLink } from './links.js';
import { writeEndpointEtcFiles } from './sandbox.js';

/**
 * `docker rm --link <linking>/<alias>`: the link leaves the linking container's record and, when
 * it runs, its /etc/hosts (Docker refreshes the sandbox); the variables the link gave its
 * processes stay, as in Docker.
 */
export async function unlinkContainer(deps: NetworkDeps | undefined, linkName: string): Promise<void> {
  if (deps === undefined) throw notImplemented('links need the network service');
  const parent = removeLink(deps, linkName);
  await deps.locks.run(parent.Id, async () => {
    await deps.containers.save(parent);
    if (isLive(parent)) await writeEndpointEtcFiles(deps, parent).catch((err: Error) => deps.log(`/etc/hosts of ${parent.Id.slice(0, 12)}: ${err.message}`));
  });
}
