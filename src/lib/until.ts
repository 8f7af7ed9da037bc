import { invalidArgument } from '../core/errdefs.js';

/**
 * The `until` prune filter as the daemon reads it: Unix seconds (with a fraction), an RFC 3339
 * time, or a Go duration counted back from now (`10m`, `1h30m`, `45s`). Returns epoch ms.
 */
export function parseUntil(v: string, now = Date.now()): number {
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const d = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(v);
  if (d !== null && v !== '') return now - ((Number(d[1] ?? 0) * 60 + Number(d[2] ?? 0)) * 60 + Number(d[3] ?? 0)) * 1000;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw invalidArgument(`failed to parse value as time or duration: "${v}"`);
  return t;
}
