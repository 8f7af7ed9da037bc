import type { Image, ImageRuntimeConfig } from '../core/images.js';
import type { Lookup } from '../lib/dockerfile/expand.js';
import type { BuilderDeps, BuildOptions, StepProgress } from './deps.js';
import type { Stage } from './stages.js';
import type { StepImage } from './step-image.js';

/** Proxy variables: usable by RUN without an ARG, and never part of the cache key or history. */
export const PREDEFINED_ARGS = new Set([
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'FTP_PROXY',
  'ftp_proxy',
  'NO_PROXY',
  'no_proxy',
  'ALL_PROXY',
  'all_proxy',
]);

/** One build in progress. */
export interface BuildRun {
  deps: BuilderDeps;
  opts: BuildOptions;
  escape: string;
  /** The builder's own lines (`Step 1/3 : …`, ` ---> Using cache`). */
  out(text: string): void;
  /** What a step's command writes (the same stream as `out` for the classic text). */
  log(text: string): void;
  steps?: StepProgress;
  buildArgs: Map<string, string>;
  /** Values of the ARGs before the first FROM. */
  metaArgs: Map<string, string | undefined>;
  usedArgs: Set<string>;
  stages: Stage[];
  results: Map<number, StepImage>;
  /** `--cache-from` images that exist (undefined: any cached step counts). */
  cacheFrom?: Image[];
  /** Scratch directories/files to remove when the build ends. */
  cleanups: Array<() => Promise<void>>;
}

/** One stage in progress: its current image and the config the next step starts from. */
export interface StageState {
  image: StepImage;
  config: ImageRuntimeConfig;
  args: Map<string, string | undefined>;
  cmdSet: boolean;
  author?: string;
  /** `--no-cache-filter` names this stage: none of its steps comes from the cache. */
  noCache?: boolean;
}

export function envValue(env: string[] | undefined, name: string): string | undefined {
  const hit = [...(env ?? [])].reverse().find((e) => e === name || e.startsWith(`${name}=`));
  return hit === undefined ? undefined : hit.slice(name.length + 1);
}

/** Expansion sees the stage's ENV over its ARGs. */
export function stageLookup(st: StageState): Lookup {
  return (name) => envValue(st.config.Env, name) ?? st.args.get(name);
}

/** Build args a RUN sees as environment: declared ARGs with values (not shadowed by ENV), plus proxies given. */
export function runArgsEnv(run: BuildRun, st: StageState): string[] {
  const out: string[] = [];
  for (const [k, v] of st.args) if (v !== undefined && envValue(st.config.Env, k) === undefined) out.push(`${k}=${v}`);
  for (const [k, v] of run.buildArgs) if (PREDEFINED_ARGS.has(k) && !st.args.has(k)) out.push(`${k}=${v}`);
  return out;
}
