/**
 * Per-phase timings for the debug log (`berthd -D`): where a request's time goes (spec
 * generation, mount, CNI ADD, conmon/runc create, start, context unpack, …). Off by default:
 * `timed` then costs one branch, so the hot paths can stay instrumented.
 */
let sink: ((msg: string) => void) | undefined;

/** Turns timings on (the daemon passes its logger when started with `-D`). */
export function enablePhaseTimings(log: (msg: string) => void): void {
  sink = log;
}

export function phaseTimingsEnabled(): boolean {
  return sink !== undefined;
}

/** Runs `fn`; with timings on, logs `timing <what>: <ms> ms` when it settles. */
export async function timed<T>(what: string, fn: () => Promise<T>): Promise<T> {
  if (sink === undefined) return fn();
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    sink(`timing ${what}: ${(performance.now() - t0).toFixed(1)} ms`);
  }
}

/** With timings on, logs the time since `t0` (a `performance.now()` value). */
export function logTiming(what: string, t0: number): void {
  sink?.(`timing ${what}: ${(performance.now() - t0).toFixed(1)} ms`);
}
