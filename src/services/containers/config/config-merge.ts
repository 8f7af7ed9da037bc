import type { ContainerConfig } from '../../../core/containers.js';
import type { ImageRuntimeConfig } from '../../../core/images.js';

/**
 * Docker's merge of the image's defaults into a new container's config: the container's own
 * values win; Env merges by key; an Entrypoint given on create drops the image's Cmd.
 */
export function mergeImageConfig(c: ContainerConfig, img: ImageRuntimeConfig | undefined): ContainerConfig {
  const i = img ?? {};
  const out: ContainerConfig = { ...c };
  out.Env = mergeEnv(i.Env ?? [], c.Env ?? []);
  if (c.Entrypoint === undefined || c.Entrypoint === null) {
    out.Entrypoint = i.Entrypoint ?? null;
    if (!c.Cmd || c.Cmd.length === 0) out.Cmd = i.Cmd ?? null;
  } else {
    // `--entrypoint ""` arrives as [""]: it clears the image's entrypoint, and the image's Cmd with it.
    out.Entrypoint = c.Entrypoint.length === 1 && c.Entrypoint[0] === '' ? null : c.Entrypoint;
    out.Cmd = c.Cmd && c.Cmd.length > 0 ? c.Cmd : null;
  }
  out.WorkingDir = c.WorkingDir || i.WorkingDir || '';
  out.User = c.User || i.User || '';
  out.Labels = { ...(i.Labels ?? {}), ...(c.Labels ?? {}) };
  out.ExposedPorts = { ...(i.ExposedPorts ?? {}), ...(c.ExposedPorts ?? {}) };
  const volumes = { ...(i.Volumes ?? {}), ...(c.Volumes ?? {}) };
  out.Volumes = Object.keys(volumes).length > 0 ? volumes : null; // Docker shows null when neither has any
  out.StopSignal = c.StopSignal || i.StopSignal;
  // A container healthcheck without a test (only --health-interval and friends) keeps the image's test.
  const hc = c.Healthcheck;
  out.Healthcheck = hc && hc.Test && hc.Test.length > 0 ? hc : i.Healthcheck ? { ...i.Healthcheck, ...definedOnly(hc ?? {}) } : (hc ?? null);
  return out;
}

export function mergeEnv(base: string[], over: string[]): string[] {
  const keyOf = (e: string): string => (e.includes('=') ? e.slice(0, e.indexOf('=')) : e);
  const out = new Map<string, string>();
  for (const e of [...base, ...over]) out.set(keyOf(e), e);
  return [...out.values()];
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== 0 && !(Array.isArray(v) && v.length === 0)),
  ) as Partial<T>;
}
