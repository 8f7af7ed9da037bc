/**
 * The comparable "shape" of a client's output, and the rule for when berth's shape conforms to
 * Docker's. A shape keeps what must agree between engines (exit code, table columns and row count,
 * lines with IDs/times/ports masked, the JSON fields Docker sets with their types, chosen values)
 * and drops what legitimately differs (IDs, timestamps, addresses).
 */

/** How a step's stdout is compared. */
export type OutputKind = 'table' | 'lines' | 'json' | 'none';

export type JsonType = string | { [key: string]: JsonType } | JsonType[];

export interface Shape {
  code: number;
  stdout?: { header: string[]; rows: number } | string[] | JsonType;
  /** Chosen JSON values (by dotted path, `0.` for the first element), normalized. */
  values?: Record<string, unknown>;
  /** The first line of stderr, normalized, when the step is expected to fail. */
  error?: string;
}

/** Masks what differs between runs and engines: the run prefix, IDs, digests, times, host ports, addresses. */
export function normalize(text: string, prefix: string): string {
  return text
    .split(prefix)
    .join('<p>')
    .replace(/sha256:[0-9a-f]{64}/g, 'sha256:<id>')
    .replace(/\b[0-9a-f]{64}\b/g, '<id>')
    .replace(/\b[0-9a-f]{12}\b/g, '<id>')
    .replace(/\b\d{4}-\d\d-\d\d[T ][0-9:.]+(Z|[+-]\d\d:?\d\d)?( [+-]\d{4} \w+)?/g, '<time>')
    .replace(/\b(About a|About an|Less than a|\d+) (second|minute|hour|day|week)s?( ago)?/g, '<duration>')
    .replace(/\b\d+\.\d+\.\d+\.\d+(\/\d+)?/g, '<addr>')
    .replace(/:\d{4,5}->/g, ':<port>->')
    .replace(/\b\d+(\.\d+)?[kMG]?B\b/g, '<size>');
}

/** The type skeleton of a JSON value: objects keep their keys, arrays their first element's skeleton. */
export function skeleton(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length === 0 ? [] : [skeleton(v[0])];
  if (typeof v === 'object') {
    const out: Record<string, JsonType> = {};
    for (const k of Object.keys(v as object).sort()) out[k] = skeleton((v as Record<string, unknown>)[k]);
    return out;
  }
  return typeof v;
}

/**
 * Where berth's skeleton lacks a field Docker sets, or has another type. `ignore` lists dotted
 * paths (with `*` for one key) whose contents are engine-specific (e.g. GraphDriver.Data).
 */
export function skeletonDiff(docker: JsonType, berth: JsonType, ignore: string[] = [], path = ''): string[] {
  if (ignore.some((p) => matchPath(p, path))) return [];
  const kind = (t: JsonType): string => (Array.isArray(t) ? 'array' : typeof t === 'object' ? 'object' : t);
  if (kind(docker) !== kind(berth)) return [`${path || '.'}: Docker ${kind(docker)}, berth ${kind(berth)}`];
  if (Array.isArray(docker) && Array.isArray(berth)) {
    return docker.length > 0 && berth.length > 0 ? skeletonDiff(docker[0]!, berth[0]!, ignore, path === '' ? '0' : `${path}.0`) : [];
  }
  if (typeof docker === 'object' && typeof berth === 'object') {
    const b = berth as Record<string, JsonType>;
    return Object.entries(docker as Record<string, JsonType>).flatMap(([k, t]) => {
      const p = path === '' ? k : `${path}.${k}`;
      if (ignore.some((i) => matchPath(i, p))) return [];
      return k in b ? skeletonDiff(t, b[k]!, ignore, p) : [`${p}: missing`];
    });
  }
  return [];
}

function matchPath(pattern: string, path: string): boolean {
  const a = pattern.split('.');
  const b = path.split('.');
  return a.length === b.length && a.every((s, i) => s === '*' || s === b[i]);
}

/** The value at a dotted path (`0` indexes arrays). */
export function valueAt(v: unknown, path: string): unknown {
  let cur = v;
  for (const k of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** Splits a docker-style table (columns separated by 2+ spaces) into its header and row count. */
export function tableShape(text: string): { header: string[]; rows: number } {
  const lines = text.split('\n').filter((l) => l !== '');
  return { header: (lines[0] ?? '').trim().split(/ {2,}/), rows: Math.max(0, lines.length - 1) };
}

/** Why `berth` does not conform to `docker`, or [] when it does. */
export function shapeDiff(docker: Shape, berth: Shape, kind: OutputKind, ignore: string[] = []): string[] {
  const out: string[] = [];
  if (docker.code !== berth.code) out.push(`exit code: Docker ${docker.code}, berth ${berth.code}`);
  if (docker.error !== berth.error) out.push(`error: Docker ${JSON.stringify(docker.error)}, berth ${JSON.stringify(berth.error)}`);
  if (kind === 'json') out.push(...skeletonDiff(docker.stdout as JsonType, berth.stdout as JsonType, ignore));
  else if (kind !== 'none' && JSON.stringify(docker.stdout) !== JSON.stringify(berth.stdout)) {
    out.push(`stdout: Docker ${JSON.stringify(docker.stdout)}, berth ${JSON.stringify(berth.stdout)}`);
  }
  for (const [p, v] of Object.entries(docker.values ?? {})) {
    const b = berth.values?.[p];
    if (JSON.stringify(v) !== JSON.stringify(b)) out.push(`${p}: Docker ${JSON.stringify(v)}, berth ${JSON.stringify(b)}`);
  }
  return out;
}
