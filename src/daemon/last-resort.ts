/**
 * The daemon's last line of defence. Every error should end in its own request's answer; one that
 * escapes (a throw in an event callback, a promise nobody awaits) would by Node's default end the
 * process — an outage for every user and every request in flight, as if one request's panic took
 * down dockerd (Go's HTTP server recovers a handler's panic and serves on). Once berthd serves,
 * such an error is logged loudly, with its stack, and the daemon keeps running; before that (start-up)
 * it ends the start as any other start-up failure does.
 */
export interface LastResort {
  /** From now on an escaped error is survived rather than fatal. */
  serving(): void;
}

export function installLastResort(log: (msg: string) => void): LastResort {
  let serving = false;
  const report = (what: string, err: unknown): void => {
    const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
    if (!serving) {
      log(`failed to start daemon: ${what}: ${text}`);
      process.exit(1);
    }
    log(`ERROR: ${what} (a bug; berthd keeps serving): ${text}`);
  };
  process.on('uncaughtException', (err) => report('uncaught exception', err));
  process.on('unhandledRejection', (reason) => report('unhandled promise rejection', reason));
  return { serving: () => void (serving = true) };
}
