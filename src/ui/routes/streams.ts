import { queryBool, queryInt } from '../../api/http.js';
import type { Router } from '../../api/router.js';
import { notImplemented } from '../../lib/errdefs.js';
import type { ContainerDeps } from '../../services/containers/deps.js';
import { collectStats, type StatsReading } from '../../services/containers/stats.js';
import type { EngineEvent, EventBus } from '../../services/events.js';
import { openEventStream } from '../sse/event-stream.js';
import type { EventRow, LogLine, StatsPoint } from '../types/dashboard.js';
import { cpuPercent, memoryOf } from '../stats/usage.js';

/** The longest line the page is sent whole; a longer one arrives in pieces of this size. */
const PAGE_LINE_MAX = 256 * 1024;

const live = (s: string): boolean => s === 'running' || s === 'paused';

function point(cur: StatsReading, prev: StatsReading | undefined): StatsPoint {
  const nets = Object.values(cur.networks ?? {});
  const blk = cur.cgroup?.blkio ?? [];
  const sum = (op: string): number => blk.filter((e) => e.op.toLowerCase() === op).reduce((n, e) => n + e.value, 0);
  const mem = memoryOf(cur);
  return {
    time: cur.time.getTime(),
    cpuPercent: cpuPercent(cur, prev),
    memoryBytes: mem?.usage ?? 0,
    memoryLimitBytes: mem?.limit ?? 0,
    netRxBytes: nets.reduce((n, c) => n + c.rx_bytes, 0),
    netTxBytes: nets.reduce((n, c) => n + c.tx_bytes, 0),
    blockReadBytes: sum('read'),
    blockWriteBytes: sum('write'),
  };
}

function eventRow(ev: EngineEvent): EventRow {
  return { time: ev.timeNano, type: ev.Type, action: ev.Action, id: ev.Actor.ID, attributes: ev.Actor.Attributes };
}

/** Server-sent event streams: a container's log and stats, the engine's events. */
export function streamRoutes(router: Router, deps: ContainerDeps, bus: EventBus): void {
  // `log` events (the last `tail` lines, then new ones while it runs), then `end` when it stops.
  router.add('GET', '/ui/api/containers/{id}/logs', async (ctx) => {
    const rec = deps.store.get(ctx.params.id!);
    const follow = queryBool(ctx.query, 'follow') && live(rec.State.Status);
    if (!deps.logs.readable(rec)) throw notImplemented('configured logging driver does not support reading');
    const stream = openEventStream(ctx.res!);
    const ac = new AbortController();
    void stream.closed.then(() => ac.abort());
    try {
      const batches = deps.logs.read(rec, {
        tail: queryInt(ctx.query, 'tail') ?? 1000,
        follow,
        done: follow ? deps.waiters.nextExit(rec.Id).then(() => undefined) : undefined,
        signal: ac.signal,
      });
      // Live records can be parts of a line (conmon splits long ones, the log view at 16 KiB): the page
      // gets whole lines as `docker logs` prints them, joined up to PAGE_LINE_MAX per stream, so a
      // container that never ends a line holds at most that much here.
      const partial = new Map<string, { time: string; parts: Buffer[]; size: number }>();
      for await (const r of (async function* () {
        for await (const batch of batches) yield* batch;
      })()) {
        const pending = partial.get(r.stream);
        if (r.partial) {
          if (pending) pending.parts.push(r.data);
          const held = pending ?? { time: r.time, parts: [r.data], size: 0 };
          if (!pending) partial.set(r.stream, held);
          held.size += r.data.length;
          if (held.size < PAGE_LINE_MAX) continue;
          partial.delete(r.stream);
          if (!(await stream.send('log', { stream: r.stream, time: held.time, text: Buffer.concat(held.parts).toString('utf8') } as LogLine))) return;
          continue;
        }
        partial.delete(r.stream);
        const data = pending ? Buffer.concat([...pending.parts, r.data]) : r.data;
        const line: LogLine = { stream: r.stream, time: pending?.time ?? r.time, text: data.toString('utf8') };
        if (!(await stream.send('log', line))) return;
      }
      for (const [name, p] of partial) await stream.send('log', { stream: name, time: p.time, text: Buffer.concat(p.parts).toString('utf8') } as LogLine);
      await stream.send('end', {});
    } finally {
      stream.end();
    }
  });

  // A `stats` event a second while the container runs.
  router.add('GET', '/ui/api/containers/{id}/stats', async (ctx) => {
    deps.store.get(ctx.params.id!); // 404 before the stream opens
    const stream = openEventStream(ctx.res!);
    try {
      await collectStats(deps, ctx.params.id!, { stream: true, oneShot: true, active: () => stream.open }, async (_rec, cur, prev) => {
        if (cur.cgroup) await stream.send('stats', point(cur, prev));
      });
      await stream.send('end', {});
    } finally {
      stream.end();
    }
  });

  // The ring's recent events, then live ones.
  router.add('GET', '/ui/api/events', async (ctx) => {
    const stream = openEventStream(ctx.res!);
    const queue: EngineEvent[] = [];
    let wake: (() => void) | undefined;
    const unsubscribe = bus.subscribe((ev) => {
      queue.push(ev);
      wake?.();
    });
    try {
      for (const ev of bus.history(0n).slice(-200)) if (!(await stream.send('event', eventRow(ev)))) return;
      while (stream.open) {
        while (queue.length > 0) if (!(await stream.send('event', eventRow(queue.shift()!)))) return;
        await Promise.race([new Promise<void>((r) => (wake = r)), stream.closed]);
      }
    } finally {
      unsubscribe();
      stream.end();
    }
  });
}
