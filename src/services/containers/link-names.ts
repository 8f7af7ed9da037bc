import { relinked } from '../networks/links.js';
import type { ContainerDeps } from './deps.js';

/**
 * Keeps the legacy links of every container naming `from` in step after a rename (`to`) or a
 * removal (`to` undefined: links to it go, as Docker drops them from its link graph; the removed
 * record itself, `removedId`, is left alone).
 */
export async function followLinkedName(
  deps: Pick<ContainerDeps, 'store' | 'locks'>,
  { from, to, removedId }: { from: string; to?: string; removedId?: string },
): Promise<void> {
  const names = (l: string): boolean => l.startsWith(`/${from}:`) || l.includes(`:/${from}/`);
  const affected = deps.store.all().filter((c) => c.Id !== removedId && c.HostConfig.Links?.some(names));
  for (const rec of affected) {
    await deps.locks.run(rec.Id, async () => {
      const links = relinked(rec.HostConfig.Links ?? [], from, to);
      rec.HostConfig.Links = links.length ? links : null;
      await deps.store.save(rec);
    });
  }
}
