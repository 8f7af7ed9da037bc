/**
 * Waiters for container exits and removals (`POST /containers/{id}/wait`, `stop`, `rm -f`).
 * Notified by the exit and removal paths; resolves with the exit code.
 */
export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

type Waiter = { resolve: (code: number) => void };

export class ExitWaiters {
  private readonly exits = new Map<string, Set<Waiter>>();
  private readonly removals = new Map<string, Set<Waiter>>();

  /** Resolves at the container's next exit. */
  nextExit(id: string): Promise<number> {
    return this.add(this.exits, id);
  }

  removed(id: string): Promise<number> {
    return this.add(this.removals, id);
  }

  private add(map: Map<string, Set<Waiter>>, id: string): Promise<number> {
    return new Promise((resolve) => {
      const set = map.get(id) ?? new Set();
      set.add({ resolve });
      map.set(id, set);
    });
  }

  notifyExit(id: string, code: number): void {
    this.fire(this.exits, id, code);
  }

  notifyRemoved(id: string, code: number): void {
    this.fire(this.exits, id, code);
    this.fire(this.removals, id, code);
  }

  private fire(map: Map<string, Set<Waiter>>, id: string, code: number): void {
    const set = map.get(id);
    map.delete(id);
    for (const w of set ?? []) w.resolve(code);
  }
}
