import { chown, writeFile } from 'node:fs/promises';
import { CGROUP_PARENT } from './spec/resources.js';
import { initCpuRealtimeParent } from '../../lib/cgroups/features.js';
import { join } from 'node:path';
import { type ContainerRecord, isLive } from '../../core/containers.js';
import { BerthError, conflict } from '../../lib/errdefs.js';
import type { ExitMonitor, RuntimeLifecycle } from '../../core/runtime.js';
import { CleanupStack } from '../../lib/cleanup-stack.js';
import { chainIds } from '../../lib/digest.js';
import { startErrorExitCode } from '../../lib/oci/start-error.js';
import { nowRfc3339Nano } from '../../lib/time.js';
import type { ContainerDeps } from './deps.js';
import { finishRemoval, type RemovalDeps } from './remove.js';
import { isBuildStep } from './build-step.js';
import { buildSpec } from './spec/build.js';
import { resolveUser } from './spec/user.js';
import { hostSpecContext } from './host-spec-context.js';
import { remapOf, remappedRoot } from './remap.js';
import { mountShareableShm, unmountShm } from './shm.js';
import { prepareMounts } from './mounts/prepare.js';
import { mountImageViews } from './mounts/image.js';
import { hostMountsDir } from './mounts/host-paths.js';
import { unmountAllUnder } from '../../lib/fs/mounts.js';
import { publishAttachEvents, publishContainerEvent } from './events.js';
import { sandboxUserns, setupNetworking, teardownNetworking } from '../networks/sandbox.js';
import { linkedEnv } from '../networks/links.js';
import { capturePath } from '../logs/service.js';
import { journaldTag } from '../logs/attrs.js';
import { logTiming, timed } from '../../lib/phase-timer.js';
import { crashPoint } from '../../lib/crash-point.js';

/**
 * What `start` needs: the image's layers and the snapshotter (rootfs), volumes, networks, the
 * host's facts and the daemon's defaults (the spec), the runtime's create/start (and delete and
 * the monitor's files to roll back), the logs; and what removal needs, for a `--rm` container
 * that could not start.
 */
export type StartDeps = RemovalDeps &
  Pick<ContainerDeps, 'images' | 'host' | 'defaults' | 'security' | 'onStarted'> & {
    runtime: Pick<RuntimeLifecycle, 'create' | 'start' | 'delete'> & Pick<ExitMonitor, 'cleanup'>;
  };

/**
 * Starts a created or exited container. Rejects with NotModified when it already runs. A `--rm`
 * container whose process could not be started is removed (Docker does; `docker run --rm` waits
 * for the removal before it reports the error).
 */
export async function startContainer(deps: StartDeps, ref: string): Promise<void> {
  const rec = deps.store.get(ref);
  const started = performance.now();
  let failed = false;
  await deps.locks
    .run(rec.Id, async () => {
      if (isLive(rec)) throw new BerthError('NotModified', 'container already started');
      if (rec.State.Status === 'removing' || rec.State.Status === 'dead') {
        throw conflict(`cannot start container ${rec.Id}: container is marked for removal`);
      }
      rec.HasBeenManuallyStopped = false;
      await ensureLayers(deps, rec);
      const remap = remapOf(deps, rec);
      const id = rec.Id.slice(0, 12);
      // Each release is registered as its resource is acquired (before, where a failed acquire can
      // leave part of it behind; every release is idempotent); a failure releases them in reverse.
      const undo = new CleanupStack((err) => deps.log?.(`rolling back the start of ${id}: ${(err as Error).message}`));
      // The network needs nothing from the rootfs: its sandbox is made while the layers are
      // mounted and the volumes, user and devices are resolved; its endpoints are attached while
      // runc creates the container (see NetworkSetup).
      const networks = deps.networks;
      // A build step may take a namespace from the pool of ready ones (setupNetworking says which can).
      const pooled = isBuildStep(rec);
      const network = networks ? timed(`start ${id}: network sandbox`, () => setupNetworking(networks, rec, { pooled })) : Promise.resolve(undefined);
      network.catch(() => undefined); // awaited below, also on failure
      if (networks) {
        undo.defer(async () => {
          await network.then((n) => n?.attached).catch(() => undefined); // a set-up still running is finished before it is undone
          await teardownNetworking(networks, rec);
        });
      }
      try {
        undo.defer(() => deps.snapshotter.unmount(rec.Paths.Rootfs));
        await timed(`start ${id}: mount`, async () => {
          // A build step's changes are committed, then removed: no sync of the upper filesystem at its unmount.
          if (!(await deps.snapshotter.isMounted(rec.Paths.Rootfs)))
            await deps.snapshotter.mount(rec.Id, rec.Paths.Rootfs, remap, { volatile: isBuildStep(rec) });
        });
        // The remapped root must reach its bundle (rootfs, /etc files): the directory's group is its.
        await chown(rec.Paths.Bundle, 0, remap ? remappedRoot(remap).gid : 0);
        undo.defer(() => unmountAllUnder(hostMountsDir(rec))); // image views and pinned subpaths
        await timed(`start ${id}: volumes`, async () => {
          await prepareMounts(deps.volumes.driver, rec, remap && remappedRoot(remap));
          await mountImageViews(deps.snapshotter, rec, remap);
        });
        const user = await resolveUser(rec.Paths.Rootfs, rec.Config.User, rec.HostConfig.GroupAdd);
        const host = await hostSpecContext(deps, rec);
        undo.defer(() => unmountShm(rec));
        if (rec.HostConfig.IpcMode === 'shareable') host.shmSource = await mountShareableShm(rec, remap && remappedRoot(remap));
        const netnsPath = (await network)?.netnsPath;
        const linkEnv = networks ? linkedEnv(networks, rec) : [];
        const usernsPath = remap && netnsPath && networks ? sandboxUserns(networks, rec) : undefined;
        const specStart = performance.now();
        const spec = buildSpec({
          record: rec,
          rootfs: rec.Paths.Rootfs,
          user,
          hostname: rec.Config.Hostname ?? '',
          linkEnv,
          hostNofile: deps.host.nofile,
          defaultUlimits: deps.defaults?.ulimits,
          netnsPath,
          usernsPath,
          ...host,
        });
        const rt = deps.defaults?.cpuRealtime;
        if (rt && (rec.HostConfig.CpuRealtimePeriod || rec.HostConfig.CpuRealtimeRuntime)) await initCpuRealtimeParent(CGROUP_PARENT, rt);
        await writeFile(join(rec.Paths.Bundle, 'config.json'), JSON.stringify(spec));
        logTiming(`start ${id}: spec`, specStart);
        await deps.runtime.cleanup(rec.Id);
        // A create that fails may still leave runc state or the monitor's files behind.
        undo.defer(async () => {
          await deps.runtime.delete(rec.Id).catch(() => undefined);
          await deps.runtime.cleanup(rec.Id);
        });
        const pid = await timed(`start ${id}: conmon + runc create`, () =>
          deps.runtime.create({
            id: rec.Id,
            name: rec.Name,
            bundle: rec.Paths.Bundle,
            logPath: capturePath(rec),
            ...(rec.HostConfig.LogConfig?.Type === 'journald' ? { journald: { tag: journaldTag(rec) } } : {}),
            tty: rec.Config.Tty === true,
            openStdin: rec.Config.OpenStdin === true,
            stdinOnce: rec.Config.StdinOnce === true,
            ...(rec.HostConfig.Runtime ? { runtime: rec.HostConfig.Runtime } : {}),
          }),
        );
        crashPoint('start:runc-create');
        await (
          await network
        )?.attached;
        crashPoint('start:network');
        await timed(`start ${id}: runc start`, () => deps.runtime.start(rec.Id, pid));
        crashPoint('start:runc-start');
        rec.State = { ...rec.State, Status: 'running', Pid: pid, ExitCode: 0, Error: '', StartedAt: nowRfc3339Nano(), OOMKilled: false };
        await deps.store.save(rec);
        undo.dismiss();
        deps.logs.started(rec);
      } catch (err) {
        failed = true;
        await undo.releaseAll();
        rec.State = { ...rec.State, ExitCode: exitCodeForStartError(err), Error: (err as Error).message };
        await deps.store.save(rec);
        throw err;
      }
    })
    .catch(async (err: unknown) => {
      if (failed && rec.HostConfig.AutoRemove === true) await finishRemoval(deps, rec.Id);
      throw err;
    });
  deps.onStarted?.((performance.now() - started) / 1000);
  publishAttachEvents(deps, rec);
  publishContainerEvent(deps.events, rec, 'start');
}

/** Docker's codes for a process that could not be started: 127 not found, 126 not runnable. */
function exitCodeForStartError(err: unknown): number {
  return startErrorExitCode(String((err as Error).message)) ?? 128;
}

async function ensureLayers(deps: Pick<ContainerDeps, 'images' | 'snapshotter'>, rec: ContainerRecord): Promise<void> {
  const image = deps.images.get(rec.Image as `sha256:${string}`);
  const chain = image ? chainIds(image.config.rootfs.diff_ids) : [];
  const top = chain[chain.length - 1];
  if (top !== undefined && !(await deps.snapshotter.hasLayer(top))) {
    throw new BerthError('Internal', `layer ${top} of image ${rec.Image} is missing`);
  }
}
