// docker/go-units: the sizes and durations Docker prints and the sizes its flags accept.
import { sprintf } from './template/fmt.js';

const DECIMAL = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'] as const;
const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] as const;

/** units.HumanDuration, which Docker uses for "Up 5 minutes" and "2 hours ago". */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(ms / 3_600_000);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

/** units.HumanSize (decimal, 4 significant digits): `2.157MB`, `32.77kB` (pull progress). */
export function humanSize(bytes: number): string {
  return humanSizeWithPrecision(bytes, 4);
}

/** units.HumanSizeWithPrecision: the docker CLI's tables use 3 digits (`4.26MB`, `912kB`). */
export function humanSizeWithPrecision(bytes: number, precision: number): string {
  return customSize(bytes, 1000, DECIMAL, precision);
}

/** units.BytesSize (binary, 4 significant digits): `23.54GiB`, `512KiB`. */
export function bytesSize(bytes: number): string {
  return customSize(bytes, 1024, BINARY, 4);
}

/**
 * units.CustomSize: `bytes` in the largest unit below `base` times the next, formatted as Go's
 * `%.<digits>g` (so `1e+03kB` for 999.5 kB at 3 digits, and no re-normalising: `1024KiB`).
 */
export function customSize(bytes: number, base: number, units: readonly string[], digits: number): string {
  let v = bytes;
  let i = 0;
  while (v >= base && i < units.length - 1) {
    v /= base;
    i++;
  }
  return `${sprintf(`%.${digits}g`, [v])}${units[i]}`;
}

/**
 * units.RAMInBytes: `512m`, `1g`, `100k`, `1.5mb`, plain bytes; binary multiples (k = 1024).
 * undefined when the text is not a size (callers word the error: "invalid size: 'x'").
 */
export function ramInBytes(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)i?b?$/i.exec(s.trim());
  if (m === null) return undefined;
  return Math.floor(Number(m[1]) * 1024 ** ' kmgtp'.indexOf((m[2] || ' ').toLowerCase()));
}
