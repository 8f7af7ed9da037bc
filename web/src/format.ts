export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function percent(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : `${n.toFixed(1)} %`;
}

export function since(rfc3339: string): string {
  if (!rfc3339) return '—';
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(rfc3339)) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

export const shortId = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);
