import { InvalidArgumentError } from 'commander';
import { timeOrDuration } from '../../lib/until.js';

/**
 * docker's `--since`/`--until` values → the API's `seconds.nanoseconds`: a Go duration relative
 * to now (`10m`, `1h30m`, `90s`), an RFC 3339 time or date, or a Unix timestamp (sent as typed).
 */
export function parseTimeFlag(value: string | undefined, now = Date.now()): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^\d+(\.\d{1,9})?$/.test(value)) return value;
  const t = timeOrDuration(value, now);
  if (t === undefined) throw new InvalidArgumentError(`invalid value for "since": failed to parse value as time or duration: "${value}"`);
  return secondsString(t);
}

function secondsString(ms: number): string {
  const secs = Math.floor(ms / 1000);
  const nanos = Math.min(999_999_999, Math.round((ms - secs * 1000) * 1_000_000));
  return `${secs}.${String(nanos).padStart(9, '0')}`;
}
