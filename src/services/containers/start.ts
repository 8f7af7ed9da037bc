import { constants } from 'node:os';
import { access, chown, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerRecord } from '../../core/containers.js';
import { BerthError, conflict } from '../../core/errdefs.js';
import { chainIds } from '../../lib/digest.js';
import { startErrorExitCode } from '../../lib/oci/start-error.js';
import { nowRfc3339Nano } from '../../lib/time.js';
import type { ContainerDeps } from './deps.js';
import { finishRemoval } from './remove.js';
import { parseSignal } from './signals.js';
import { buildSpec } from './spec/build.js';
import { resolveUser } from './spec/user.js';
import { hostSpecContext } from './host-spec-context.js';
import { remapOf, remappedRoot } from './remap.js';
import { mountShareableShm, unmountShm } from './shm.js';
import { prepareMounts } from './mounts/prepare.js';
import { publishAttachEvents, publishContainerEvent, publishDetachEvents } from './events.js';
import { sandboxUserns, setupNetworking, teardownNetworking } from '../networks/sandbox.js';
import { capturePath } from '../logs/service.js';
import { journaldTag } from '../logs/attrs.js';
import { logTiming, timed } from '../../lib/phase-timer.js';
import { crashPoint } from '../../lib/crash-point.js';

const isLive = (r: ContainerRecord): boolean => r.State.Status === 'running' || r.State.Status === 'paused';

/**
 * Starts a created or exited container. Rejects with NotModified when it already runs. A `--rm`
 * container whose process could not be started is removed (Docker does; `docker run --rm` waits
 * for the removal before it reports the error).
 */
export async function startContainer(deps: ContainerDeps, ref: string): Promise<void> {
  const rec = deps.store.get(ref);
  const started = performance.now();
  let failed = false;
  await deps.locks.run(rec.Id, async () => {
    if (isLive(rec)) throw new BerthError('NotModified', 'container already started');
    if (rec.State.Status === 'removing' || rec.State.Status === 'dead') {
      throw conflict(`cannot start container ${rec.Id}: container is marked for removal`);
    }
    rec.HasBeenManuallyStopped = false;
    await ensureLayers(deps, rec);
    const remap = remapOf(deps, rec);
    const id = rec.Id.slice(0, 12);
    // The network needs nothing from the rootfs: its sandbox is made while the layers are
    // mounted and the volumes, user and devices are resolved; its endpoints are attached while
    // runc creates the container (see NetworkSetup).
    const networks = deps.networks;
    const network = networks ? timed(`start ${id}: network sandbox`, () => setupNetworking(networks, rec)) : Promise.resolve(undefined);
    network.catch(() => undefined); // awaited below, also on failure
    try {
      await timed(`start ${id}: mount`, async () => {
        if (!(await deps.snapshotter.isMounted(rec.Paths.Rootfs))) await deps.snapshotter.mount(rec.Id, rec.Paths.Rootfs, remap);
      });
      // The remapped root must reach its bundle (rootfs, /etc files): the directory's group is its.
      await chown(rec.Paths.Bundle, 0, remap ? remappedRoot(remap).gid : 0);
      await timed(`start ${id}: volumes`, () => prepareMounts(deps.volumes.driver, rec, remap && remappedRoot(remap)));
      const user = await resolveUser(rec.Paths.Rootfs, rec.Config.User, rec.HostConfig.GroupAdd);
      const host = await hostSpecContext(deps, rec);
      if (rec.HostConfig.IpcMode === 'shareable') host.shmSource = await mountShareableShm(rec, remap && remappedRoot(remap));
      const netnsPath = (await network)?.netnsPath;
      const usernsPath = remap && netnsPath && networks ? sandboxUserns(networks, rec) : undefined;
      const specStart = performance.now();
      const spec = buildSpec({ record: rec, rootfs: rec.Paths.Rootfs, user, hostname: rec.Config.Hostname ?? '', hostNofile: deps.host.nofile, defaultUlimits: deps.defaults?.ulimits, netnsPath, usernsPath, ...host });
      await writeFile(join(rec.Paths.Bundle, 'config.json'), JSON.stringify(spec));
      logTiming(`start ${id}: spec`, specStart);
      await deps.runtime.cleanup(rec.Id);
      const pid = await timed(`start ${id}: conmon + runc create`, () => deps.runtime.create({
        id: rec.Id,
        name: rec.Name,
        bundle: rec.Paths.Bundle,
        logPath: capturePath(rec),
        ...(rec.HostConfig.LogConfig?.Type === 'journald' ? { journald: { tag: journaldTag(rec) } } : {}),
        tty: rec.Config.Tty === true,
        openStdin: rec.Config.OpenStdin === true,
        stdinOnce: rec.Config.StdinOnce === true,
      }));
      crashPoint('start:runc-create');
      await (await network)?.attached;
      crashPoint('start:network');
      await timed(`start ${id}: runc start`, () => deps.runtime.start(rec.Id, pid));
      crashPoint('start:runc-start');
      rec.State = { ...rec.State, Status: 'running', Pid: pid, ExitCode: 0, Error: '', StartedAt: nowRfc3339Nano(), OOMKilled: false };
      await deps.store.save(rec);
      deps.logs.started(rec);
    } catch (err) {
      failed = true;
      await deps.runtime.delete(rec.Id).catch(() => undefined);
      await deps.runtime.cleanup(rec.Id);
      await network.then((n) => n?.attached).catch(() => undefined); // a set-up still running is finished before it is undone
      if (networks) await teardownNetworking(networks, rec);
      await deps.snapshotter.unmount(rec.Paths.Rootfs);
      await unmountShm(rec);
      rec.State = { ...rec.State, ExitCode: exitCodeForStartError(err), Error: (err as Error).message };
      await deps.store.save(rec);
      throw err;
    }
  }).catch(async (err: unknown) => {
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

async function ensureLayers(deps: ContainerDeps, rec: ContainerRecord): Promise<void> {
  const image = deps.images.get(rec.Image as `sha256:${string}`);
  const chain = image ? chainIds(image.config.rootfs.diff_ids) : [];
  const top = chain[chain.length - 1];
  if (top !== undefined && !(await deps.snapshotter.hasLayer(top))) {
    throw new BerthError('Internal', `layer ${top} of image ${rec.Image} is missing`);
  }
}

/** Records that the user stopped the container, persisted so a daemon restart honours it too. */
async function markManuallyStopped(deps: ContainerDeps, rec: ContainerRecord): Promise<void> {
  if (rec.HasBeenManuallyStopped) return;
  rec.HasBeenManuallyStopped = true;
  await deps.store.save(rec);
}

/** Sends a signal. Docker: 409 when the container is not running. */
export async function killContainer(deps: ContainerDeps, ref: string, signal = 'SIGKILL'): Promise<void> {
  const rec = deps.store.get(ref);
  const sig = parseSignal(signal);
  if (!isLive(rec)) throw conflict(`Cannot kill container: ${ref}: Container ${rec.Id} is not running`);
  if (rec.State.Status === 'paused' && sig !== 'SIGKILL') {
    throw conflict(`Cannot kill container: ${ref}: Container ${rec.Id} is paused. Unpause the container before stopping or killing`);
  }
  await markManuallyStopped(deps, rec);
  await deps.runtime.kill(rec.Id, sig);
  publishKill(deps, rec, sig);
}

/** Docker's `kill` event names the signal by number. */
function publishKill(deps: ContainerDeps, rec: ContainerRecord, sig: string): void {
  publishContainerEvent(deps.events, rec, 'kill', { signal: String(constants.signals[sig as NodeJS.Signals] ?? sig) });
}

/**
 * Stops a container: its stop signal, then SIGKILL after `timeout` seconds (Config.StopTimeout,
 * else 10; -1 waits forever). NotModified when it was not running.
 */
export async function stopContainer(deps: ContainerDeps, ref: string, timeout?: number, signal?: string): Promise<void> {
  const rec = deps.store.get(ref);
  await markManuallyStopped(deps, rec); // also cancels a pending policy restart of an exited one
  if (!isLive(rec)) throw new BerthError('NotModified', 'container already stopped');
  const exited = deps.waiters.nextExit(rec.Id);
  const sig = parseSignal(signal || rec.Config.StopSignal || 'SIGTERM');
  const secs = timeout ?? rec.Config.StopTimeout ?? 10;
  await signalIgnoringGone(deps, rec, sig);
  // A frozen process never sees the signal: thaw it (Docker does the same).
  if (rec.State.Status === 'paused') await deps.runtime.resume(rec.Id).catch(() => undefined);
  if (secs >= 0 && !(await within(exited, secs * 1000))) {
    await signalIgnoringGone(deps, rec, 'SIGKILL');
  }
  await exited;
  publishContainerEvent(deps.events, rec, 'stop');
}

async function signalIgnoringGone(deps: ContainerDeps, rec: ContainerRecord, sig: string): Promise<void> {
  try {
    await deps.runtime.kill(rec.Id, sig);
    publishKill(deps, rec, sig);
  } catch (err) {
    // The process may have exited between our check and the signal: the exit path handles it.
    if (!/not running|does not exist|process already finished/.test(String((err as Error).message))) throw err;
  }
}

function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    void p.then(() => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

/** Stop then start. A --rm container is not removed by the stop half (Docker's behaviour). */
export async function restartContainer(deps: ContainerDeps, ref: string, timeout?: number): Promise<void> {
  const rec = deps.store.get(ref);
  deps.restarting.add(rec.Id);
  try {
    await stopContainer(deps, ref, timeout);
  } catch (err) {
    if (!(err instanceof BerthError && err.kind === 'NotModified')) throw err;
  } finally {
    deps.restarting.delete(rec.Id);
  }
  await startContainer(deps, ref);
  publishContainerEvent(deps.events, rec, 'restart');
}

/**
 * Records a container's exit, read from the monitor's exit file, and releases what it held
 * (runtime state, rootfs mount). Idempotent: a repeated or spurious call changes nothing.
 */
export async function handleExit(deps: ContainerDeps, id: string, onAutoRemove: (id: string) => Promise<void>): Promise<void> {
  const rec = deps.store.find(id);
  if (rec === undefined || rec.Id !== id) {
    await deps.runtime.cleanup(id);
    return;
  }
  let autoRemove = false;
  let oom = false;
  const short = id.slice(0, 12);
  const code = await deps.locks.run(id, async () => {
    const exitCode = await deps.runtime.exitCode(id);
    if (exitCode === undefined) return undefined;
    // The exit is recorded before the exit file goes: a crash in between loses nothing, and the
    // next sweep finds the file again and only releases what is left.
    const fresh = isLive(rec);
    if (fresh) {
      oom = await access(join(rec.Paths.Bundle, 'oom')).then(() => true, () => false);
      autoRemove = rec.HostConfig.AutoRemove === true && !deps.restarting.has(id);
      // A --rm container is marked for removal in the same write (a crash from here on finishes
      // the removal at start-up; an `exited` --rm record would stay behind).
      rec.State = { ...rec.State, Status: autoRemove ? 'removing' : 'exited', Pid: 0, ExitCode: exitCode, FinishedAt: nowRfc3339Nano(), OOMKilled: oom };
      await timed(`exit ${short}: record`, () => deps.store.save(rec));
    }
    // A container about to be removed releases everything with its removal, after the clients
    // were answered (finishRemoval); a crash in between repeats the idempotent release.
    if (rec.State.Status === 'removing') return fresh ? exitCode : undefined;
    // The process is gone: its runtime state, its network and its mounts are independent of each other.
    const networks = deps.networks;
    await Promise.all([
      timed(`exit ${short}: runc delete`, () => deps.runtime.delete(id)),
      networks && timed(`exit ${short}: network teardown`, () => teardownNetworking(networks, rec)),
      timed(`exit ${short}: unmount`, async () => {
        await deps.snapshotter.unmount(rec.Paths.Rootfs);
        await unmountShm(rec);
      }),
    ]);
    // The released endpoints are written down.
    if (networks) await timed(`exit ${short}: record network`, () => deps.store.save(rec));
    await deps.runtime.cleanup(id);
    return fresh ? exitCode : undefined;
  });
  if (code === undefined) return;
  if (oom) publishContainerEvent(deps.events, rec, 'oom');
  // Followers end when the exit is announced: everything the container wrote is readable by then.
  await timed(`exit ${short}: logs`, () => deps.logs.exited(rec).catch(() => undefined));
  publishContainerEvent(deps.events, rec, 'die', { exitCode: String(code) });
  publishDetachEvents(deps, rec);
  deps.waiters.notifyExit(id, code);
  if (autoRemove) await onAutoRemove(id);
}
