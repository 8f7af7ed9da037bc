// Errors → the CLI's exit status and Docker's wording of them. Below the commands; imports only
// the client.
import { DaemonError } from '../../client/errors.js';

/** An error that ends the CLI with a given exit status (and, optionally, a message already worded). */
export class StatusError extends Error {
  constructor(
    readonly status: number,
    message = '',
  ) {
    super(message);
  }
}

/** The message the docker CLI prints for an error: daemon answers get "Error response from daemon: ". */
export function describe(err: unknown): string {
  if (err instanceof DaemonError) return `Error response from daemon: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs `fn` for each target, printing each failure as docker does and carrying on;
 * the command fails (exit 1) if any did.
 */
export async function forEachTarget(targets: string[], fn: (t: string) => Promise<void>): Promise<void> {
  let failed = false;
  for (const t of targets) {
    try {
      await fn(t);
    } catch (err) {
      failed = true;
      process.stderr.write(`${describe(err)}\n`);
    }
  }
  if (failed) throw new StatusError(1);
}
