/**
 * A test-only crash hook: with `BERTH_CRASH_AT=<point>` in berthd's environment, reaching
 * `crashPoint('<point>')` kills the process with SIGKILL on the spot — the kill -9 of a user's
 * reliability report, at a chosen moment of an operation, for the crash-recovery tests.
 * Without the variable it is one comparison.
 */
const at = process.env.BERTH_CRASH_AT || undefined;

export function crashPoint(point: string): void {
  if (point === at) process.kill(process.pid, 'SIGKILL');
}
