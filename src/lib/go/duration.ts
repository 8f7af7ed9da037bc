const UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/**
 * Go's time.ParseDuration for the unsigned durations Docker takes (`30s`, `1m30s`, `1.5h`,
 * `500ms`, `0`) in nanoseconds; undefined if invalid (the caller words the error, usually
 * with `invalidDuration`).
 */
export function parseGoDuration(s: string): number | undefined {
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    consumed = re.lastIndex;
  }
  return consumed === s.length && s.length > 0 ? Math.round(total) : undefined;
}

/** Go's error text for a duration time.ParseDuration refuses. */
export function invalidDuration(s: string): string {
  return `time: invalid duration "${s}"`;
}
