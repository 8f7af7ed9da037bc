import type { AuthConfig } from '../core/registry.js';

export type { AuthConfig } from '../core/registry.js';

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `WWW-Authenticate: Bearer realm="…",service="…",scope="…"` (one or more challenges). */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  const out: Challenge[] = [];
  for (const h of Array.isArray(header) ? header : header ? [header] : []) {
    const m = /^\s*(\w+)\s*(.*)$/s.exec(h);
    if (!m) continue;
    const params: Record<string, string> = {};
    const re = /(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
    for (let p = re.exec(m[2]!); p; p = re.exec(m[2]!)) params[p[1]!.toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
    out.push({ scheme: m[1]!.toLowerCase(), params });
  }
  return out;
}

export function basicHeader(a: AuthConfig): string | undefined {
  if (!a.username) return undefined;
  return `Basic ${Buffer.from(`${a.username}:${a.password ?? ''}`).toString('base64')}`;
}
