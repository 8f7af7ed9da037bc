/**
 * Releases what an operation acquired, in reverse, if it fails half-way (Go's `defer`, containerd's
 * rollback on error). Register the release as each resource is acquired — or just before, when the
 * acquiring step can leave something behind on failure and its release is idempotent:
 *
 *   const undo = new CleanupStack();
 *   try {
 *     undo.defer(() => unmount(root)); await mount(root);
 *     undo.defer(() => runtime.delete(id)); await runtime.create(id);
 *     undo.dismiss(); // success: keep everything
 *   } catch (err) {
 *     await undo.releaseAll();
 *     throw err;
 *   }
 *
 * A release that fails does not stop the ones before it: every one runs, and their errors go to
 * the `onError` given to the stack (the operation's own error is what its caller must see).
 */
export class CleanupStack {
  private readonly releases: Array<() => unknown> = [];

  constructor(private readonly onError: (err: unknown) => void = () => undefined) {}

  /** Registers a release; the last registered runs first. */
  defer(release: () => unknown): void {
    this.releases.push(release);
  }

  /** The operation succeeded: nothing is released. */
  dismiss(): void {
    this.releases.length = 0;
  }

  /** Runs every registered release, last first, each awaited before the next; never rejects. */
  async releaseAll(): Promise<void> {
    for (let release = this.releases.pop(); release !== undefined; release = this.releases.pop()) {
      try {
        await release();
      } catch (err) {
        this.onError(err);
      }
    }
  }
}
