/**
 * A parser for Prometheus' text exposition format (version 0.0.4), enough to check what berthd
 * serves: `# HELP`, `# TYPE`, samples with escaped label values, optional timestamps.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  types: Map<string, string>;
  help: Map<string, string>;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

function parseValue(s: string): number {
  if (/^\+?inf$/i.test(s)) return Infinity;
  if (/^-inf$/i.test(s)) return -Infinity;
  if (/^nan$/i.test(s)) return NaN; // Go's ParseFloat spelling is case-free (prom-client writes `Nan`)
  const n = Number(s);
  if (s === '' || Number.isNaN(n)) throw new Error(`bad sample value ${JSON.stringify(s)}`);
  return n;
}

function parseLabels(line: string, at: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = at + 1; // past '{'
  for (;;) {
    while (line[i] === ' ' || line[i] === ',') i++;
    if (line[i] === '}') return { labels, end: i + 1 };
    const name = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(i))?.[0];
    if (!name || line[i + name.length] !== '=' || line[i + name.length + 1] !== '"') throw new Error(`bad label at ${i}: ${line}`);
    i += name.length + 2;
    let value = '';
    for (; line[i] !== '"'; i++) {
      if (i >= line.length) throw new Error(`unterminated label value: ${line}`);
      if (line[i] === '\\') {
        const e = line[++i];
        value += e === 'n' ? '\n' : e;
      } else value += line[i];
    }
    labels[name] = value;
    i++;
  }
}

export function parseExposition(text: string): Exposition {
  const out: Exposition = { types: new Map(), help: new Map(), samples: [] };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) ?(.*)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(meta[3]!)) throw new Error(`bad type: ${line}`);
        out.types.set(meta[2]!, meta[3]!);
      } else out.help.set(meta[2]!, meta[3]!);
      continue;
    }
    if (line.startsWith('#')) continue;
    const name = NAME.exec(line)?.[0];
    if (!name) throw new Error(`bad sample line: ${line}`);
    let i = name.length;
    let labels: Record<string, string> = {};
    if (line[i] === '{') ({ labels, end: i } = parseLabels(line, i));
    const [value, timestamp] = line.slice(i).trim().split(/\s+/);
    if (timestamp !== undefined && !/^-?\d+$/.test(timestamp)) throw new Error(`bad timestamp: ${line}`);
    out.samples.push({ name, labels, value: parseValue(value ?? '') });
  }
  return out;
}

/** Samples of one metric whose labels include `match`. */
export function series(e: Exposition, name: string, match: Record<string, string> = {}): Sample[] {
  return e.samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}
