import type { ContainerRecord } from '../../core/containers.js';
import type { ExitMonitor, RuntimeLifecycle } from '../../core/runtime.js';
import type { ContainerDeps } from './deps.js';
import { followLinkedName } from './link-names.js';
import { conflict, isDiskFull, messageOf } from '../../lib/errdefs.js';
import { publishContainerEvent } from './events.js';
import { anonymousVolumes, releaseVolumes } from './mounts/resolve.js';
import { teardownNetworking } from '../networks/sandbox.js';
import { unmountShm } from './shm.js';
import { timed } from '../../lib/phase-timer.js';
import { crashPoint } from '../../lib/crash-point.js';

/**
 * What removal needs: the record and its lock, what the container held (runtime state and the
 * monitor's files, network, mounts, layer, logs, anonymous volumes), the bus and the waiters.
 */
export type RemovalDeps = Pick<ContainerDeps, 'store' | 'locks' | 'waiters' | 'events' | 'volumes' | 'networks' | 'snapshotter' | 'logs' | 'log'> & {
  runtime: Pick<RuntimeLifecycle, 'known' | 'delete' | 'kill' | 'resume'> & Pick<ExitMonitor, 'cleanup'>;
};

/** Removes a container (Docker: 409 when running and not forced; `force` kills it first). */
export async function removeContainer(deps: RemovalDeps, ref: string, opts: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
  const rec = deps.store.get(ref);
  const live = rec.State.Status === 'running' || rec.State.Status === 'paused';
  if (live && !opts.force) {
    throw conflict(`cannot remove container "/${rec.Name}": container is running: stop the container before removing or force remove`);
  }
  if (live) {
    const exited = deps.waiters.nextExit(rec.Id);
    if (rec.State.Status === 'paused') await deps.runtime.resume(rec.Id).catch(() => undefined);
    await deps.runtime.kill(rec.Id, 'SIGKILL').catch(() => undefined);
    await exited;
  }
  await finishRemoval(deps, rec.Id, opts.volumes);
}

/**
 * The part of removal that also runs for --rm after exit and after a crash mid-removal. Anonymous
 * volumes go too with `rm -v` and for `--rm` containers (Docker's), unless another container uses them.
 * The container is gone for every client when this returns (`destroy`, `removed` waiters); what it
 * held is released in the background, crash-safe (ContainerStore.retire).
 */
export async function finishRemoval(deps: RemovalDeps, id: string, removeVolumes = false): Promise<void> {
  const rec = deps.store.find(id);
  if (rec === undefined || rec.Id !== id) return;
  const short = id.slice(0, 12);
  await deps.locks.run(id, async () => {
    if (rec.State.Status !== 'removing') {
      rec.State.Status = 'removing';
      // Removal never needs free space: a record that cannot be marked (a full disk even for an
      // in-place rewrite) is removed all the same; a crash before its directory goes brings it back.
      await timed(`remove ${short}: mark removing`, () => deps.store.save(rec)).catch((err: unknown) => {
        if (!isDiskFull(err)) throw err;
        deps.log?.(`removing ${short}: not marked on disk: ${messageOf(err)}`);
      });
    }
    crashPoint('rm:marked');
    deps.store.retire(
      id,
      () => timed(`remove ${short}: release`, () => releaseRemoved(deps, rec)),
      (err, retrying) => deps.log?.(`removing ${short}: ${err.message}; ${retrying ? 'trying again later' : 'finished at the next start'}`),
    );
  });
  if (removeVolumes || rec.HostConfig.AutoRemove === true) await releaseVolumes(deps.volumes, anonymousVolumes(rec.MountPoints));
  await followLinkedName(deps, { from: rec.Name, removedId: rec.Id }).catch((err: Error) => deps.log?.(`links to ${short}: ${err.message}`));
  publishContainerEvent(deps.events, rec, 'destroy');
  deps.waiters.notifyRemoved(id, rec.State.ExitCode);
}

/**
 * Everything a removed container held: runtime state and monitor files (normally the exit path
 * released these; this covers --rm exits, crashes and never-started creates), network, mounts,
 * its layer and its logs. Each step is idempotent, so a retry after a crash repeats it safely.
 */
async function releaseRemoved(deps: RemovalDeps, rec: ContainerRecord): Promise<void> {
  const id = rec.Id;
  const networks = deps.networks;
  await Promise.all([
    (async () => {
      if (await deps.runtime.known(id)) await deps.runtime.delete(id);
      await deps.runtime.cleanup(id);
    })(),
    networks && teardownNetworking(networks, rec),
    (async () => {
      await deps.snapshotter.unmount(rec.Paths.Rootfs);
      await unmountShm(rec);
    })(),
  ]);
  crashPoint('rm:released');
  await Promise.all([deps.snapshotter.remove(id), deps.logs.removed(id)]);
}
