/**
 * What a container's live readers (attach, `logs -f`) hold and have not yet written to their
 * clients. The exit path waits for it before the exit is announced, as dockerd waits for its
 * stream copiers (`StreamConfig.Wait`, bounded by 2 s) before a container is marked stopped: a
 * client that returns at `wait` (dockerode's `run`, docker-py's `attach` + `wait`) has the
 * container's last output by then, even when the pump only read it at the exit.
 */
export class Deliveries {
  private readonly readers = new Set<DeliveryReader>();

  /** `empty` is called when the last reader closes. */
  constructor(private readonly empty: () => void) {}

  /** A reader to tell of each batch it takes (`queued`) and hands to its client (`handed`); `close` when its stream ends. */
  add(): DeliveryReader {
    const r = new DeliveryReader(() => {
      this.readers.delete(r);
      if (this.readers.size === 0) this.empty();
    });
    this.readers.add(r);
    return r;
  }

  /** Resolves once every reader has handed its client what it held when called, or after `ms` (a client not reading). */
  async flushed(ms: number): Promise<void> {
    const idle = [...this.readers].map((r) => r.idle());
    if (idle.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((r) => (timer = setTimeout(r, ms)));
    try {
      await Promise.race([Promise.all(idle), bound]);
    } finally {
      clearTimeout(timer);
    }
  }
}

export class DeliveryReader {
  private pending = 0;
  private waiters: Array<() => void> = [];

  constructor(private readonly removed: () => void) {}

  /** A batch was queued for this reader's client. */
  queued(): void {
    this.pending++;
  }

  /** `n` queued batches were written to the client (or dropped: the reader fell behind). */
  handed(n = 1): void {
    this.pending = Math.max(0, this.pending - n);
    if (this.pending === 0) for (const w of this.waiters.splice(0)) w();
  }

  /** The reader's stream has ended: it holds nothing any more. */
  close(): void {
    this.handed(this.pending);
    this.removed();
  }

  idle(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((r) => this.waiters.push(r));
  }
}
