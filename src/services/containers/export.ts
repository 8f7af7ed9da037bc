import { conflict } from '../../lib/errdefs.js';
import { packDir } from '../../lib/archive/pack-dir.js';
import type { ContainerDeps } from './deps.js';
import { publishContainerEvent } from './events.js';
import { remapOf } from './remap.js';

/**
 * `docker export`: the container's whole root filesystem (image layers + its changes, as the
 * merged overlay shows it) as one tar written to `out`. A container that is not running is
 * mounted for the time of the export, under its lock, so a start cannot race the unmount.
 */
export async function exportContainer(
  deps: Pick<ContainerDeps, 'store' | 'snapshotter' | 'locks' | 'events' | 'security'>,
  ref: string,
  out: (chunk: Buffer) => Promise<boolean>,
): Promise<void> {
  const rec = deps.store.get(ref);
  if (rec.State.Status === 'removing' || rec.State.Status === 'dead') throw conflict(`You cannot export container ${rec.Id} which is being removed or is dead`);
  const copy = async (): Promise<void> => {
    const remap = remapOf(deps, rec);
    const { stream, done } = packDir(rec.Paths.Rootfs, remap ? { ids: { uids: remap.uids, gids: remap.gids } } : {});
    for await (const chunk of stream) {
      if (!(await out(chunk as Buffer))) {
        stream.destroy();
        break;
      }
    }
    await done.catch(() => undefined);
    publishContainerEvent(deps.events, rec, 'export');
  };
  if (await deps.snapshotter.isMounted(rec.Paths.Rootfs)) return copy();
  await deps.locks.run(rec.Id, async () => {
    if (await deps.snapshotter.isMounted(rec.Paths.Rootfs)) return copy();
    await deps.snapshotter.mount(rec.Id, rec.Paths.Rootfs, remapOf(deps, rec));
    try {
      await copy();
    } finally {
      await deps.snapshotter.unmount(rec.Paths.Rootfs);
    }
  });
}
