import { InvalidArgumentError } from 'commander';

/**
 * docker's `--since`/`--until` values → the API's `seconds.nanoseconds`: a Go duration relative
 * to now (`10m`, `1h30m`, `90s`), an RFC 3339 time or date, or a Unix timestamp.
 */
export function parseTimeFlag(value: string | undefined, now = Date.now()): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^\d+(\.\d{1,9})?$/.test(value)) return value;
  const dur = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$/.exec(value);
  if (dur && value !== '') {
    const ms = Number(dur[1] ?? 0) * 3_600_000 + Number(dur[2] ?? 0) * 60_000 + Number(dur[3] ?? 0) * 1000 + Number(dur[4] ?? 0);
    return secondsString(now - ms);
  }
  const t = Date.parse(/^\d{4}-\d\d-\d\d$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(t)) throw new InvalidArgumentError(`invalid value for "since": failed to parse value as time or duration: "${value}"`);
  return secondsString(t);
}

function secondsString(ms: number): string {
  const secs = Math.floor(ms / 1000);
  return `${secs}.${String((ms - secs * 1000) * 1_000_000).padStart(9, '0')}`;
}
