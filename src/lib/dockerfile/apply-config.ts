import { posix } from 'node:path';
import { invalidArgument } from '../errdefs.js';
import type { HealthConfig, ImageRuntimeConfig } from '../oci/image-config.js';
import { expandWord, expandWords, type Lookup } from './expand.js';
import type { CommandForm, Instruction } from './instructions.js';
import { invalidDuration, parseGoDuration } from '../go/duration.js';

export const DEFAULT_SHELL = ['/bin/sh', '-c'];

export interface ApplyContext {
  /** Variables for expansion (the stage's ENV over its ARGs). */
  env: Lookup;
  escape: string;
  /** Set once CMD was given in this stage: ENTRYPOINT then keeps it (Docker clears an inherited one). */
  cmdSet: boolean;
}

/** The instructions that only change the image config (what `commit`/`import --change` accept, plus SHELL/HEALTHCHECK). */
export const CONFIG_INSTRUCTIONS = new Set([
  'cmd',
  'entrypoint',
  'env',
  'label',
  'expose',
  'volume',
  'user',
  'workdir',
  'stopsignal',
  'onbuild',
  'shell',
  'healthcheck',
]);

/** Applies one config-only instruction to `cfg` in place, as Docker's dispatchers do. */
export function applyConfigInstruction(cfg: ImageRuntimeConfig, ins: Instruction, ctx: ApplyContext): void {
  const x = (w: string): string => expandWord(w, ctx.env, ctx.escape);
  const shell = cfg.Shell && cfg.Shell.length > 0 ? cfg.Shell : DEFAULT_SHELL;
  const argv = (c: CommandForm): string[] => ('json' in c ? c.json : [...shell, c.shell]);
  switch (ins.kind) {
    case 'cmd':
      cfg.Cmd = argv(ins.command);
      ctx.cmdSet = true;
      break;
    case 'entrypoint':
      cfg.Entrypoint = 'shell' in ins.command && ins.command.shell === '' ? null : argv(ins.command);
      if (!ctx.cmdSet) cfg.Cmd = null;
      break;
    case 'env': {
      const pairs = ins.pairs.map(([k, v]) => [x(k), x(v)] as const);
      for (const [k, v] of pairs) {
        if (k === '') throw invalidArgument('ENV names can not be blank');
        // Replaced in place when set before (Docker keeps the order), else appended.
        const env = [...(cfg.Env ?? [])];
        const at = env.findIndex((e) => e.split('=', 1)[0] === k);
        if (at >= 0) env[at] = `${k}=${v}`;
        else env.push(`${k}=${v}`);
        cfg.Env = env;
      }
      break;
    }
    case 'label': {
      const pairs = ins.pairs.map(([k, v]) => [x(k), x(v)] as const);
      cfg.Labels = { ...(cfg.Labels ?? {}) };
      for (const [k, v] of pairs) cfg.Labels[k] = v;
      break;
    }
    case 'expose':
      cfg.ExposedPorts = { ...(cfg.ExposedPorts ?? {}) };
      for (const w of ins.words.flatMap((w) => expandWords(w, ctx.env, ctx.escape))) for (const p of ports(w)) cfg.ExposedPorts[p] = {};
      break;
    case 'volume': {
      const vols = ins.literal ? ins.words : ins.words.flatMap((w) => expandWords(w, ctx.env, ctx.escape));
      cfg.Volumes = { ...(cfg.Volumes ?? {}) };
      for (const v of vols) {
        if (v.trim() === '') throw invalidArgument('VOLUME specified can not be an empty string');
        cfg.Volumes[v] = {};
      }
      break;
    }
    case 'user':
      cfg.User = x(ins.value);
      break;
    case 'workdir':
      cfg.WorkingDir = posix.resolve('/', cfg.WorkingDir || '/', x(ins.value));
      break;
    case 'stopsignal':
      cfg.StopSignal = x(ins.value);
      break;
    case 'shell':
      cfg.Shell = ins.json;
      break;
    case 'onbuild':
      cfg.OnBuild = [...(cfg.OnBuild ?? []), ins.expression];
      break;
    case 'healthcheck':
      cfg.Healthcheck = ins.test === 'NONE' ? { Test: ['NONE'] } : healthcheck(ins.test, ins.flags);
      break;
    default:
      throw invalidArgument(`${ins.kind.toUpperCase()} does not change the image config`);
  }
}

function healthcheck(test: string[], flags: Record<string, string>): HealthConfig {
  const h: HealthConfig = { Test: test };
  const dur = (name: string, field: 'Interval' | 'Timeout' | 'StartPeriod' | 'StartInterval'): void => {
    const v = flags[name];
    if (v === undefined) return;
    const ns = parseGoDuration(v);
    if (ns === undefined) throw invalidArgument(invalidDuration(v));
    if (ns !== 0 && ns < 1e6) throw invalidArgument(`${field} "${v}" cannot be less than 1ms`);
    if (ns !== 0) h[field] = ns;
  };
  dur('interval', 'Interval');
  dur('timeout', 'Timeout');
  dur('start-period', 'StartPeriod');
  dur('start-interval', 'StartInterval');
  if (flags.retries !== undefined) {
    const n = Number(flags.retries);
    if (!Number.isInteger(n) || n < 0) throw invalidArgument(`--retries cannot be negative (${flags.retries})`);
    if (n > 0) h.Retries = n;
  }
  return h;
}

/** `80`, `80/udp`, `8000-8002/tcp` → Docker's `80/tcp` keys. */
function ports(spec: string): string[] {
  const m = /^(\d+)(?:-(\d+))?(?:\/(\w+))?$/.exec(spec);
  if (m === null) throw invalidArgument(`Invalid containerPort: ${spec}`);
  const proto = (m[3] ?? 'tcp').toLowerCase();
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (hi < lo) throw invalidArgument(`Invalid range specified for the Port: ${spec}`);
  return Array.from({ length: hi - lo + 1 }, (_, k) => `${lo + k}/${proto}`);
}
