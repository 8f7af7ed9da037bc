/** Go's units.HumanDuration, which Docker uses for "Up 5 minutes" and "2 hours ago". */
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

/** Go's units.HumanSize (decimal, 3 significant digits): `4.26MB`, `912kB`. */
export function humanSize(bytes: number): string {
  return customSize(bytes, 1000, ['B', 'kB', 'MB', 'GB', 'TB', 'PB'], 3);
}

/** Go's units.BytesSize (binary, 4 significant digits): `23.54GiB`, `512KiB`. */
export function bytesSize(bytes: number): string {
  return customSize(bytes, 1024, ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'], 4);
}

/** Go's units.CustomSize: `bytes` in the largest unit below `base` times the next, to `digits` significant digits. */
function customSize(bytes: number, base: number, units: readonly string[], digits: number): string {
  let v = bytes;
  let i = 0;
  while (v >= base && i < units.length - 1) {
    v /= base;
    i++;
  }
  return `${Number(v.toPrecision(digits))}${units[i]}`;
}
