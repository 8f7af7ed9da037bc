import { invalidArgument } from '../../core/errdefs.js';
import type { ImageRuntimeConfig } from '../../core/images.js';

/**
 * `--change` instructions for import and commit (Docker accepts this subset of Dockerfile
 * instructions). A deliberately small parser: the builder's Dockerfile parser should take over
 * once it exists, so there is one grammar.
 */
const ALLOWED = new Set(['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'ONBUILD', 'USER', 'VOLUME', 'WORKDIR', 'STOPSIGNAL']);

export function applyChanges(base: ImageRuntimeConfig, changes: string[]): ImageRuntimeConfig {
  const cfg: ImageRuntimeConfig = structuredClone(base);
  for (const change of changes) {
    const m = /^\s*(\S+)\s*(.*)$/s.exec(change);
    if (m === null) continue;
    const instr = m[1]!.toUpperCase();
    const rest = m[2]!.trim();
    if (!ALLOWED.has(instr)) throw invalidArgument(`${m[1]} is not a valid change command`);
    switch (instr) {
      case 'CMD':
        cfg.Cmd = execOrShell(rest);
        break;
      case 'ENTRYPOINT':
        cfg.Entrypoint = execOrShell(rest);
        break;
      case 'ENV':
        for (const [k, v] of keyValues(rest, 'ENV')) cfg.Env = [...(cfg.Env ?? []).filter((e) => !e.startsWith(`${k}=`)), `${k}=${v}`];
        break;
      case 'LABEL':
        cfg.Labels = { ...(cfg.Labels ?? {}), ...Object.fromEntries(keyValues(rest, 'LABEL')) };
        break;
      case 'EXPOSE':
        for (const p of rest.split(/\s+/).filter(Boolean)) cfg.ExposedPorts = { ...(cfg.ExposedPorts ?? {}), [p.includes('/') ? p : `${p}/tcp`]: {} };
        break;
      case 'VOLUME':
        for (const v of rest.startsWith('[') ? jsonArray(rest) : rest.split(/\s+/).filter(Boolean)) cfg.Volumes = { ...(cfg.Volumes ?? {}), [v]: {} };
        break;
      case 'USER':
        cfg.User = rest;
        break;
      case 'WORKDIR':
        cfg.WorkingDir = rest;
        break;
      case 'STOPSIGNAL':
        cfg.StopSignal = rest;
        break;
      case 'ONBUILD':
        break; // stored by the builder issue; accepted here so scripts written for Docker work
    }
  }
  return cfg;
}

function execOrShell(rest: string): string[] {
  if (rest.startsWith('[')) {
    try {
      return jsonArray(rest);
    } catch {
      // Docker falls back to the shell form when the JSON does not parse.
    }
  }
  return ['/bin/sh', '-c', rest];
}

function jsonArray(s: string): string[] {
  const v: unknown = JSON.parse(s);
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw invalidArgument(`invalid JSON array: ${s}`);
  return v;
}

/** `A=1 B="two words"` or the legacy `A one value`. */
function keyValues(rest: string, instr: string): Array<[string, string]> {
  if (!/^[^\s=]+=/.test(rest)) {
    const m = /^(\S+)\s+(.*)$/s.exec(rest);
    if (m === null) throw invalidArgument(`${instr} requires at least one argument`);
    return [[m[1]!, m[2]!]];
  }
  const out: Array<[string, string]> = [];
  const re = /([^\s=]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;
  for (const m of rest.matchAll(re)) {
    let v = m[2]!;
    if (v.startsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    else if (v.startsWith("'")) v = v.slice(1, -1);
    out.push([m[1]!, v]);
  }
  return out;
}
