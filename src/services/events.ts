import { EventEmitter } from 'node:events';
import { invalidArgument } from '../lib/errdefs.js';
import type { Filters } from '../lib/filters.js';
import { nowNanos } from '../lib/time.js';

import type { EngineEvent, EventType } from '../core/events.js';

export type { EngineEvent, EventType };

export const EVENT_FILTERS = ['type', 'container', 'image', 'event', 'label', 'network', 'volume', 'daemon', 'scope'];
const TYPES: EventType[] = ['container', 'image', 'network', 'volume', 'daemon'];

/** Whether an event passes Docker's `events` filters (values of one key OR, keys AND). */
export function matchEvent(ev: EngineEvent, f: Filters): boolean {
  const any = (key: string, pred: (v: string) => boolean): boolean => !f.has(key) || f.get(key)!.some(pred);
  const attrs = ev.Actor.Attributes;
  const idOrName = (v: string): boolean => ev.Actor.ID.startsWith(v) || attrs.name === v;
  return (
    any('type', (v) => v === ev.Type) &&
    any('event', (v) => v === ev.Action || ev.Action.startsWith(`${v}:`)) &&
    any('container', (v) => ev.Type === 'container' && idOrName(v)) &&
    any('image', (v) => attrs.image === v || (ev.Type === 'image' && (idOrName(v) || ev.Actor.ID === v))) &&
    any('network', (v) => ev.Type === 'network' && idOrName(v)) &&
    any('volume', (v) => ev.Type === 'volume' && idOrName(v)) &&
    any('daemon', (v) => ev.Type === 'daemon' && idOrName(v)) &&
    any('scope', (v) => v === ev.scope) &&
    any('label', (v) => {
      const i = v.indexOf('=');
      return i < 0 ? v in attrs : attrs[v.slice(0, i)] === v.slice(i + 1);
    })
  );
}

export function validateEventFilters(f: Filters): void {
  for (const t of f.get('type') ?? []) if (!TYPES.includes(t as EventType)) throw invalidArgument(`invalid filter 'type=${t}'`);
}

/**
 * The daemon's event bus: services publish, the events API (and metrics, later) subscribe.
 * The most recent events are kept in a bounded ring so `events --since` can replay them.
 */
export class EventBus {
  private readonly emitter = new EventEmitter();
  private readonly ring: EngineEvent[] = [];

  constructor(private readonly capacity = 1024) {
    this.emitter.setMaxListeners(0);
  }

  publish(type: EventType, action: string, id: string, attributes: Record<string, string> = {}): void {
    const ns = nowNanos();
    const ev: EngineEvent = {
      // Docker's deprecated fields, still sent for container and image events.
      ...(type === 'container' ? { status: action, id, from: attributes.image ?? '' } : type === 'image' ? { status: action, id } : {}),
      Type: type,
      Action: action,
      Actor: { ID: id, Attributes: attributes },
      scope: 'local',
      time: Number(ns / 1_000_000_000n),
      timeNano: Number(ns),
    };
    this.ring.push(ev);
    if (this.ring.length > this.capacity) this.ring.shift();
    this.emitter.emit('event', ev);
  }

  /** Events still in the ring with since ≤ time ≤ until (nanoseconds). */
  history(sinceNs: bigint, untilNs?: bigint): EngineEvent[] {
    return this.ring.filter((e) => BigInt(e.timeNano) >= sinceNs && (untilNs === undefined || BigInt(e.timeNano) <= untilNs));
  }

  /** `client`: an API client's stream, counted in `info`'s NEventsListener. */
  subscribe(fn: (ev: EngineEvent) => void, opts: { client?: boolean } = {}): () => void {
    this.emitter.on('event', fn);
    if (opts.client) this.clients++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.emitter.off('event', fn);
      if (opts.client) this.clients--;
    };
  }

  private clients = 0;
  private shutDown = false;

  get clientCount(): number {
    return this.clients;
  }

  /** Resolves when the daemon shuts down: event streams end then, as dockerd ends them. */
  readonly closed: Promise<void> = new Promise((r) => this.emitter.once('close', r));

  get isClosed(): boolean {
    return this.shutDown;
  }

  close(): void {
    this.shutDown = true;
    this.emitter.emit('close');
  }
}
