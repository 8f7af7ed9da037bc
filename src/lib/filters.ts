import { invalidArgument } from './errdefs.js';

/**
 * Docker's `filters` query parameter: JSON `{"name":["web"]}` or the older `{"name":{"web":true}}`.
 * Parsed into name → values.
 */
export type Filters = Map<string, string[]>;

export function parseFilters(raw: string | null, allowed: string[]): Filters {
  const out: Filters = new Map();
  if (raw === null || raw === '') return out;
  let obj: unknown;
  try {
    obj = JSON.parse(raw);
  } catch {
    throw invalidArgument(`invalid filter: ${raw}`);
  }
  if (typeof obj !== 'object' || obj === null) throw invalidArgument(`invalid filter: ${raw}`);
  for (const [key, val] of Object.entries(obj as Record<string, unknown>)) {
    if (!allowed.includes(key)) throw invalidArgument(`invalid filter '${key}'`);
    out.set(key, filterValues(val, raw));
  }
  return out;
}

/** `["a","b"]` or `{"a":true,"b":true}`; anything else is not a filter Docker would parse. */
function filterValues(val: unknown, raw: string): string[] {
  if (val === null) return [];
  if (Array.isArray(val) && val.every((v) => typeof v === 'string')) return val as string[];
  if (typeof val === 'object' && val !== null && !Array.isArray(val) && Object.values(val).every((v) => typeof v === 'boolean')) return Object.keys(val);
  throw invalidArgument(`invalid filter: ${raw}`);
}

/** `label=key` matches when the key exists; `label=key=value` when it has that value. */
export function matchLabels(labels: Record<string, string> | null | undefined, wanted: string[]): boolean {
  return wanted.every((w) => {
    const i = w.indexOf('=');
    const key = i < 0 ? w : w.slice(0, i);
    if (!labels || !(key in labels)) return false;
    return i < 0 || labels[key] === w.slice(i + 1);
  });
}

/**
 * Go's `filters.Args.Match`: the value equals `source`, or is a regular expression found in it. A
 * pattern that does not compile matches nothing (as in Go).
 */
export function matchPattern(pattern: string, source: string): boolean {
  if (pattern === source) return true;
  try {
    return new RegExp(pattern).test(source);
  } catch {
    return false;
  }
}
