import type { ExecRunDeps } from './deps.js';
import { startExec } from './exec.js';

/** How a process run to its end ended: its exit code, or killed (SIGKILL) when it outlived the timeout. */
export interface RunOutcome {
  exitCode: number;
  timedOut: boolean;
}

/**
 * Starts a created exec instance (made with stdout and stderr, no stdin) and waits for its end,
 * handing its output to `onOutput` as it comes. A process still running after `timeoutMs` (0: no limit)
 * is killed and waited for, so the output it wrote until then has been delivered when this
 * settles. A process that cannot start rejects as `startExec` does.
 */
export async function runExec(
  deps: ExecRunDeps,
  execId: string,
  opts: { timeoutMs: number; onOutput: (stream: 'stdout' | 'stderr', data: Buffer) => void },
): Promise<RunOutcome> {
  const proc = await startExec(deps, execId);
  proc.io.onOutput(opts.onOutput);
  if (opts.timeoutMs <= 0) return { exitCode: await proc.exitCode, timedOut: false };
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), opts.timeoutMs)));
  const code = await Promise.race([proc.exitCode, timedOut]);
  clearTimeout(timer);
  if (code !== 'timeout') return { exitCode: code, timedOut: false };
  try {
    process.kill(proc.pid, 'SIGKILL');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err; // ended meanwhile
  }
  return { exitCode: await proc.exitCode, timedOut: true };
}
