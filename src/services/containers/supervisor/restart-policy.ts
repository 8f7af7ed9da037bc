import type { ContainerRecord } from '../../../core/containers.js';
import { startContainer, type StartDeps } from '../start.js';

/** Docker's back-off: 100 ms, doubling per restart, reset after a run of 10 s or more; capped at 1 min. */
const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 60_000;
const STABLE_RUN_MS = 10_000;

/** Whether a container's policy asks for a restart after this exit. */
export function wantsRestart(rec: ContainerRecord, exitCode: number, manuallyStopped: boolean): boolean {
  const policy = rec.HostConfig.RestartPolicy;
  if (manuallyStopped || rec.HostConfig.AutoRemove === true) return false;
  switch (policy?.Name) {
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure': {
      const max = policy.MaximumRetryCount ?? 0;
      return exitCode !== 0 && (max <= 0 || rec.RestartCount < max);
    }
    default:
      return false;
  }
}

/**
 * Restarts containers per their restart policy, listening for `die` events. A user's stop or
 * kill (the record's HasBeenManuallyStopped) wins, also over a restart already scheduled.
 */
export function watchRestartPolicies(deps: StartDeps, log: (msg: string) => void): () => void {
  const delays = new Map<string, number>();
  return deps.events.subscribe((ev) => {
    if (ev.Type !== 'container' || ev.Action !== 'die') return;
    const rec = deps.store.find(ev.Actor.ID);
    if (rec === undefined) return;
    const code = Number(ev.Actor.Attributes.exitCode ?? rec.State.ExitCode);
    if (!wantsRestart(rec, code, rec.HasBeenManuallyStopped === true)) {
      delays.delete(rec.Id);
      return;
    }
    const ranMs = Date.parse(rec.State.FinishedAt) - Date.parse(rec.State.StartedAt);
    const delay = ranMs >= STABLE_RUN_MS ? FIRST_DELAY_MS : Math.min((delays.get(rec.Id) ?? FIRST_DELAY_MS / 2) * 2, MAX_DELAY_MS);
    delays.set(rec.Id, delay);
    const timer = setTimeout(() => {
      const now = deps.store.find(rec.Id);
      if (now === undefined || now.HasBeenManuallyStopped || now.State.Status !== 'exited') return;
      now.RestartCount += 1;
      void startContainer(deps, rec.Id).catch((err: Error) => log(`restart of ${rec.Id}: ${err.message}`));
    }, delay);
    timer.unref();
  });
}

/**
 * At daemon start, as Docker does: `always` containers that are not running are started again,
 * and `unless-stopped` ones unless the user stopped them.
 */
export async function startPolicyContainers(deps: StartDeps, log: (msg: string) => void): Promise<void> {
  for (const rec of deps.store.all()) {
    const policy = rec.HostConfig.RestartPolicy?.Name;
    if (rec.State.Status !== 'exited' || rec.HostConfig.AutoRemove) continue;
    if (policy === 'always' || (policy === 'unless-stopped' && !rec.HasBeenManuallyStopped)) {
      await startContainer(deps, rec.Id).catch((err: Error) => log(`restart of ${rec.Id} at start-up: ${err.message}`));
    }
  }
}
