import { publishContainerEvent } from '../events.js';
import type { ContainerRecord, HealthConfig, HealthState } from '../../../core/containers.js';
import { nowRfc3339Nano } from '../../../lib/time.js';
import type { ContainerDeps } from '../deps.js';
import type { ExecRunDeps } from '../exec/deps.js';
import { createExec } from '../exec/exec.js';
import { runExec } from '../exec/run.js';

/** Docker's defaults: every 30 s (every 5 s during a start period), 30 s timeout, 3 retries, no start period; 5 results kept, 4 KiB each. */
const DEFAULT_INTERVAL = 30e9;
const DEFAULT_START_INTERVAL = 5e9;
const DEFAULT_TIMEOUT = 30e9;
const DEFAULT_RETRIES = 3;
const MAX_LOG = 5;
const MAX_OUTPUT = 4096;

/** The probe command, or undefined when the container has no (or a disabled) healthcheck. */
export function healthCommand(cfg: HealthConfig | null | undefined): string[] | undefined {
  const test = cfg?.Test ?? [];
  if (test[0] === 'CMD' && test.length > 1) return test.slice(1);
  if (test[0] === 'CMD-SHELL' && test.length > 1) return ['/bin/sh', '-c', test.slice(1).join(' ')];
  return undefined;
}

/** The next health state after one probe (failures inside the start period do not count). */
export function nextHealth(
  prev: HealthState,
  result: { ExitCode: number; Start: string; End: string; Output: string },
  opts: { retries: number; inStartPeriod: boolean },
): HealthState {
  const Log = [...prev.Log, result].slice(-MAX_LOG);
  if (result.ExitCode === 0) return { Status: 'healthy', FailingStreak: 0, Log };
  if (opts.inStartPeriod) return { ...prev, Log };
  const FailingStreak = prev.FailingStreak + 1;
  return { Status: FailingStreak >= opts.retries ? 'unhealthy' : prev.Status, FailingStreak, Log };
}

/**
 * How long until the next probe (ms), as dockerd's monitor decides it: while the container is
 * in its start period and still `starting`, every StartInterval (API 1.44; 5 s when unset);
 * else every Interval.
 */
export function probeDelay(cfg: HealthConfig | null | undefined, startedAt: string, status: HealthState['Status'] | undefined, now = Date.now()): number {
  const inStartPeriod = now - Date.parse(startedAt) < (cfg?.StartPeriod ?? 0) / 1e6;
  if (inStartPeriod && (status ?? 'starting') === 'starting') return ms(cfg?.StartInterval, DEFAULT_START_INTERVAL);
  return ms(cfg?.Interval, DEFAULT_INTERVAL);
}

/** What the healthchecks need: the exec use cases (a probe is an exec), the record and its lock. */
export type HealthDeps = ExecRunDeps & Pick<ContainerDeps, 'locks'>;

const ms = (ns: number | undefined, dflt: number): number => Math.max(1, Math.round((ns && ns > 0 ? ns : dflt) / 1e6));

/** Runs one probe as an exec; a probe that outlives the timeout is killed and fails. */
async function probe(deps: HealthDeps, rec: ContainerRecord, cmd: string[], timeoutMs: number): Promise<{ ExitCode: number; Output: string }> {
  const ex = createExec(deps, rec.Id, { Cmd: cmd, AttachStdout: true, AttachStderr: true });
  let output = '';
  try {
    const onOutput = (_s: string, data: Buffer): void => void (output = (output + data.toString()).slice(0, MAX_OUTPUT));
    const end = await runExec(deps, ex.ID, { timeoutMs, onOutput });
    if (end.timedOut) return { ExitCode: -1, Output: `Health check exceeded timeout (${timeoutMs / 1000}s)` };
    return { ExitCode: end.exitCode, Output: output };
  } catch (err) {
    return { ExitCode: -1, Output: (err as Error).message };
  }
}

/**
 * Probes every running container that has a healthcheck, per its interval, through the exec
 * path; records State.Health and publishes `health_status: …` events when the status changes.
 */
export function watchHealthchecks(deps: HealthDeps, log: (msg: string) => void): () => void {
  const timers = new Map<string, NodeJS.Timeout>();
  const cancel = (id: string): void => {
    clearTimeout(timers.get(id));
    timers.delete(id);
  };
  const schedule = (id: string, delayMs: number): void => {
    cancel(id);
    const t = setTimeout(() => void tick(id).catch((err: Error) => log(`healthcheck of ${id}: ${err.message}`)), delayMs);
    t.unref();
    timers.set(id, t);
  };
  const tick = async (id: string): Promise<void> => {
    const rec = deps.store.find(id);
    const cfg = rec?.Config.Healthcheck;
    const cmd = healthCommand(cfg);
    if (rec === undefined || cmd === undefined || rec.State.Status === 'exited' || rec.State.Status === 'dead') return cancel(id);
    if (rec.State.Status !== 'running') return schedule(id, ms(cfg?.Interval, DEFAULT_INTERVAL)); // paused: try again later
    const Start = nowRfc3339Nano();
    const result = await probe(deps, rec, cmd, ms(cfg?.Timeout, DEFAULT_TIMEOUT));
    const End = nowRfc3339Nano();
    const retries = cfg?.Retries && cfg.Retries > 0 ? cfg.Retries : DEFAULT_RETRIES;
    const inStartPeriod = Date.now() - Date.parse(rec.State.StartedAt) < (cfg?.StartPeriod ?? 0) / 1e6;
    // Under the container's lock: the exit path may be recording an exit meanwhile.
    const change = await deps.locks.run(id, async () => {
      if (rec.State.Status !== 'running') return undefined;
      const prev = rec.State.Health ?? { Status: 'starting', FailingStreak: 0, Log: [] };
      const next = nextHealth(prev, { ...result, Start, End }, { retries, inStartPeriod });
      rec.State = { ...rec.State, Health: next };
      await deps.store.save(rec);
      return { prev, next };
    });
    if (change === undefined) return cancel(id);
    const { prev, next } = change;
    if (next.Status !== prev.Status) publishContainerEvent(deps.events, rec, `health_status: ${next.Status}`);
    schedule(id, probeDelay(cfg, rec.State.StartedAt, next.Status));
  };
  const unsubscribe = deps.events.subscribe((ev) => {
    if (ev.Type !== 'container') return;
    if (ev.Action === 'die' || ev.Action === 'destroy') return cancel(ev.Actor.ID);
    if (ev.Action !== 'start') return;
    const rec = deps.store.find(ev.Actor.ID);
    if (rec === undefined || healthCommand(rec.Config.Healthcheck) === undefined) return;
    // Under the container's lock and only while it runs: a container that exited at once may be
    // being removed, and a late write would bring its record back.
    void deps.locks
      .run(rec.Id, async () => {
        if (rec.State.Status !== 'running') return false;
        rec.State = { ...rec.State, Health: { Status: 'starting', FailingStreak: 0, Log: [] } };
        await deps.store.save(rec);
        return true;
      })
      .then(
        (running) => running && schedule(rec.Id, probeDelay(rec.Config.Healthcheck, rec.State.StartedAt, 'starting')),
        () => undefined,
      );
  });
  // Containers already running when berthd starts.
  for (const rec of deps.store.all())
    if (rec.State.Status === 'running' && healthCommand(rec.Config.Healthcheck))
      schedule(rec.Id, probeDelay(rec.Config.Healthcheck, rec.State.StartedAt, rec.State.Health?.Status));
  return () => {
    unsubscribe();
    for (const id of [...timers.keys()]) cancel(id);
  };
}
