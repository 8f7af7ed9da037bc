import { invalidArgument } from './errdefs.js';
import { parseGoDuration } from './go/duration.js';

/**
 * Docker's time-or-duration values (api/types/time GetTimestamp) in epoch ms: Unix seconds (with
 * a fraction), a Go duration counted back from `now` (`10m`, `1h30m`, `500ms`), or an RFC 3339
 * time or date. undefined when it is none of them.
 */
export function timeOrDuration(v: string, now = Date.now()): number | undefined {
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const ns = parseGoDuration(v);
  if (ns !== undefined) return now - ns / 1e6;
  const t = Date.parse(/^\d{4}-\d\d-\d\d$/.test(v) ? `${v}T00:00:00Z` : v);
  return Number.isNaN(t) ? undefined : t;
}

/** The `until` prune filter as the daemon reads it (see timeOrDuration). Returns epoch ms. */
export function parseUntil(v: string, now = Date.now()): number {
  const t = timeOrDuration(v, now);
  if (t === undefined) throw invalidArgument(`failed to parse value as time or duration: "${v}"`);
  return t;
}
