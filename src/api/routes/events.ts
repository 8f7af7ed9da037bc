import { negotiateContentType } from '../../lib/accept.js';
import { parseFilters } from '../../lib/filters.js';
import { nowNanos } from '../../lib/time.js';
import { EVENT_FILTERS, matchEvent, validateEventFilters, type EngineEvent, type EventBus } from '../../services/events.js';
import type { Router } from '../router.js';
import { writeChunk } from '../stream.js';
import { parseTimestamp } from './containers.js';
import { at } from '../versions.js';

/** What `GET /events` can be framed as (dockerd's offers); anything else gets `application/json`, framed as ndjson. */
const OFFERS = ['application/x-ndjson', 'application/json-seq', 'application/jsonl'];

/** An event as a client at `version` sees it: from 1.52 without the deprecated `status`/`id`/`from`. */
function versioned(ev: EngineEvent, version: string): EngineEvent {
  if (!at(version, 'eventsWithoutLegacyFields')) return ev;
  const { status: _s, id: _i, from: _f, ...rest } = ev;
  return rest;
}

/**
 * `GET /events`: replays what the ring still holds since `since`, then streams live events
 * until `until` (or until the client leaves). One JSON object per line, as Docker sends them.
 */
export function eventRoutes(router: Router, bus: EventBus): void {
  router.add('GET', '/events', async (ctx) => {
    const filters = parseFilters(ctx.query.get('filters'), EVENT_FILTERS);
    validateEventFilters(filters);
    // dockerd: `since=0` is the epoch (everything the ring holds), and an `until` alone replays too.
    const sinceRaw = ctx.query.get('since');
    const since = sinceRaw === '0' ? 0n : parseTimestamp(sinceRaw);
    const until = parseTimestamp(ctx.query.get('until'));
    const res = ctx.res!;
    const type = negotiateContentType(ctx.req.headers.accept, OFFERS, 'application/json');
    // RFC 7464: each JSON text after a record separator.
    const prefix = type === 'application/json-seq' ? '\x1e' : '';
    res.writeHead(200, { 'Content-Type': type });
    res.flushHeaders();
    const wanted = (ev: EngineEvent): boolean =>
      matchEvent(ev, filters) && (at(ctx.apiVersion, 'imageCreateEvents') || !(ev.Type === 'image' && ev.Action === 'create'));
    const send = (ev: EngineEvent): Promise<boolean> =>
      wanted(ev) ? writeChunk(res, Buffer.from(`${prefix}${JSON.stringify(versioned(ev, ctx.apiVersion))}\n`)) : Promise.resolve(true);

    // Subscribe first so nothing published during the replay is lost; skip what the replay sent.
    const live: EngineEvent[] = [];
    let replaying = true;
    let wake: (() => void) | undefined;
    const unsubscribe = bus.subscribe(
      (ev) => {
        live.push(ev);
        if (!replaying) wake?.();
      },
      { client: true },
    );
    try {
      let lastSent = -1;
      if (since !== undefined || until !== undefined) {
        for (const ev of bus.history(since ?? 0n, until)) {
          if (!(await send(ev))) return;
          lastSent = ev.timeNano;
        }
      }
      replaying = false;
      if (until !== undefined && until <= nowNanos()) return;
      const deadline = until === undefined ? undefined : setTimeout(() => res.end(), Number((until - nowNanos()) / 1_000_000n));
      const closed = new Promise<void>((r) => res.once('close', r));
      try {
        for (;;) {
          while (live.length > 0) {
            const ev = live.shift()!;
            if (ev.timeNano <= lastSent) continue;
            if (until !== undefined && BigInt(ev.timeNano) > until) return;
            if (!(await send(ev))) return;
          }
          const woke = new Promise<void>((r) => (wake = r));
          await Promise.race([woke, closed, bus.closed]);
          if (res.destroyed || res.writableEnded || bus.isClosed) return;
        }
      } finally {
        if (deadline) clearTimeout(deadline);
      }
    } finally {
      unsubscribe();
      if (!res.writableEnded) res.end();
    }
  });
}
