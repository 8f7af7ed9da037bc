import { invalidArgument, isKind } from '../lib/errdefs.js';
import type { Digest } from '../lib/digest.js';
import { expandWord } from '../lib/dockerfile/expand.js';
import { parseDockerfile, parseLine } from '../lib/dockerfile/dockerfile.js';
import { atLines } from '../lib/dockerfile/errors.js';
import type { Instruction } from '../lib/dockerfile/instructions.js';
import { familiarString, parseNormalizedNamed, repositoryName } from '../lib/reference.js';
import { tagImage } from '../services/images/tag.js';
import { applyDockerfileIgnore, dropIgnoredBuildFiles, readDockerfile } from './context.js';
import type { BuilderDeps, BuildOptions, BuildOutput, StepProgress } from './deps.js';
import { timed } from '../lib/phase-timer.js';
import { baseImage } from './base-image.js';
import { shortId } from './cache-step.js';
import { dispatch } from './dispatch.js';
import { planStages, type Plan, type Stage } from './stages.js';
import { PREDEFINED_ARGS, envValue, type BuildRun, type StageState } from './state.js';
import { DEFAULT_PATH, scratchImage, stepImageOf, type StepImage } from './step-image.js';

/**
 * The classic builder: parses the Dockerfile (errors before any output), builds the stages the
 * target needs, one image per step (cached), writes Docker's step lines, tags the result.
 */
export async function buildImage(deps: BuilderDeps, opts: BuildOptions, output: BuildOutput): Promise<Digest> {
  if (opts.platform && !['linux/amd64', 'linux/x86_64', 'linux', 'amd64'].includes(opts.platform.toLowerCase())) {
    throw invalidArgument(`"${opts.platform}": platform not supported: berth builds linux/amd64 images only`);
  }
  const names = opts.tags.map((t) => parseNormalizedNamed(t)); // reject bad names before building anything
  const df = parseDockerfile(opts.dockerfileText ?? (await readDockerfile(opts.context, opts.dockerfile)));
  await applyDockerfileIgnore(opts.context, opts.dockerfile);
  await dropIgnoredBuildFiles(opts.context, opts.dockerfile);
  const plan = planStages(df.instructions, opts.target);
  if (Object.keys(opts.labels).length > 0) {
    const pairs = Object.entries(opts.labels).map(([k, v]) => `${JSON.stringify(k)}=${JSON.stringify(v)}`);
    plan.target.body.push(parseLine(`LABEL ${pairs.join(' ')}`));
  }
  const steps = output.steps;
  const out = opts.quiet || steps ? () => undefined : (t: string) => output.stream(t);
  for (const w of df.warnings) out(w);
  const run: BuildRun = {
    deps,
    opts,
    escape: df.escape,
    out,
    log: steps ? (t) => steps.log(t) : out,
    steps,
    buildArgs: new Map(Object.entries(opts.buildArgs).filter((e): e is [string, string] => e[1] !== null)),
    metaArgs: new Map(),
    usedArgs: new Set(),
    stages: plan.stages,
    results: new Map(),
    cleanups: [],
  };
  if (opts.cacheFrom !== undefined && opts.cacheFrom.length > 0) {
    // Docker skips (and logs) a name it cannot find, so a missing one leaves no cache at all.
    run.cacheFrom = opts.cacheFrom.flatMap((name) => {
      try {
        return deps.images.images.resolve(name) ?? [];
      } catch (err) {
        if (isKind(err, 'InvalidArgument')) return [];
        throw err;
      }
    });
  }
  for (const a of plan.metaArgs) {
    for (const { name, def } of a.args) {
      run.usedArgs.add(name);
      run.metaArgs.set(name, run.buildArgs.get(name) ?? (def !== undefined ? expandWord(def, (n) => run.metaArgs.get(n), df.escape) : undefined));
    }
  }
  const total = plan.needed.reduce((n, s) => n + 1 + s.body.length, 0);
  let step = 0;
  /** One stage, FROM to its last instruction, its result kept for the stages that use it. */
  const buildStage = async (r: BuildRun, stage: Stage, stopped: () => boolean = () => false): Promise<void> => {
    out(`Step ${++step}/${total} : ${stage.from.original}\n`);
    r.steps?.start(stage, -1, plan.needed);
    const st = await onLines(stage.from, () => beginStage(r, stage));
    for (const [i, ins] of stage.body.entries()) {
      if (stopped()) throw new BuildCancelled();
      out(`Step ${++step}/${total} : ${ins.original}\n`);
      r.steps?.start(stage, i, plan.needed);
      await onLines(ins, () => timed(`build: step ${step} ${ins.kind}`, () => dispatch(r, st, ins)));
      if (st.image.id) out(` ---> ${shortId(st.image.id)}\n`);
    }
    run.results.set(stage.index, st.image);
  };
  try {
    // The classic builder's text is one numbered sequence: one stage after the other, as Docker's.
    // BuildKit's progress has a vertex per step: independent stages run side by side.
    const lane = steps?.lane?.bind(steps);
    if (lane === undefined) for (const stage of plan.needed) await buildStage(run, stage);
    else await buildInParallel(plan, (s, stopped) => buildStage({ ...run, steps: s.lane, log: (t) => s.lane.log(t) }, s.stage, stopped), lane);
  } finally {
    for (const c of run.cleanups) await c().catch(() => undefined);
    await deps.cache.flush().catch(() => undefined); // use counts only: never worth failing a build
  }
  const last = run.results.get(plan.target.index);
  const unused = [...run.buildArgs.keys()].filter((k) => !run.usedArgs.has(k) && !PREDEFINED_ARGS.has(k));
  if (unused.length > 0) out(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed\n`);
  if (last?.id === undefined) throw invalidArgument('No image was generated. Is your Dockerfile empty?');
  const id = last.id;
  output.aux({ ID: id });
  out(`Successfully built ${shortId(id)}\n`);
  for (const n of names) {
    await tagImage(deps.images, id, repositoryName(n), n.tag);
    out(`Successfully tagged ${familiarString(n)}\n`);
  }
  if (opts.quiet) output.stream(`${id}\n`);
  return id;
}

/** Runs one instruction's work; its failure is marked as being about the instruction's lines. */
async function onLines<T>(ins: Instruction, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw atLines(err, ins.line, ins.endLine);
  }
}

/** A stage not started, or stopped between steps, because another stage failed. */
class BuildCancelled extends Error {
  constructor() {
    super('build cancelled: another stage failed');
  }
}

/**
 * Runs every needed stage as soon as the stages it uses are built (BuildKit's parallel independent
 * stages), each with its own progress lane. When one fails the others stop at their next step;
 * the first real failure is what the build fails with, once every stage has settled.
 */
async function buildInParallel(
  plan: Plan,
  build: (s: { stage: Stage; lane: StepProgress }, stopped: () => boolean) => Promise<void>,
  lane: () => StepProgress,
): Promise<void> {
  let failed: unknown;
  const stopped = (): boolean => failed !== undefined;
  const done = new Map<Stage, Promise<void>>();
  for (const stage of plan.needed) {
    const deps = plan.dependsOn(stage).map((d) => done.get(d)!);
    const p = Promise.all(deps).then(async () => {
      if (stopped()) throw new BuildCancelled();
      const l = lane();
      try {
        await build({ stage, lane: l }, stopped);
      } catch (err) {
        if (!(err instanceof BuildCancelled)) throw err; // its step stays open: the build's failure closes it
      }
      l.end?.();
      if (stopped()) throw new BuildCancelled();
    });
    done.set(
      stage,
      p.catch((err: unknown) => {
        if (!(err instanceof BuildCancelled)) failed ??= err;
        throw err;
      }),
    );
  }
  await Promise.allSettled(done.values());
  if (failed !== undefined) throw failed;
}

/** FROM: the base (scratch, an earlier stage or a local image), then its ONBUILD triggers. */
async function beginStage(run: BuildRun, stage: Stage): Promise<StageState> {
  const metaLookup = (n: string): string | undefined => run.metaArgs.get(n);
  const platform = stage.from.flags.platform;
  if (platform !== undefined) {
    const p = expandWord(platform, metaLookup, run.escape);
    if (!['linux/amd64', 'linux/x86_64', ''].includes(p)) throw invalidArgument(`"${p}": platform not supported: berth builds linux/amd64 images only`);
  }
  const ref = expandWord(stage.from.image, metaLookup, run.escape);
  if (ref === '') throw invalidArgument('base name (${...}) should not be blank');
  let base: StepImage;
  const earlier = run.stages.find((s) => s.index < stage.index && s.name === ref.toLowerCase());
  if (ref.toLowerCase() === 'scratch') base = scratchImage();
  else if (earlier !== undefined) base = run.results.get(earlier.index)!;
  else {
    base = await stepImageOf(run.deps.images, await baseImage(run, ref));
  }
  if (base.id) run.out(` ---> ${shortId(base.id)}\n`);
  const config = structuredClone(base.blob.config ?? {});
  if (envValue(config.Env, 'PATH') === undefined) config.Env = [...(config.Env ?? []), DEFAULT_PATH];
  const triggers = config.OnBuild ?? [];
  delete config.OnBuild;
  const noCache = stage.name !== undefined && (run.opts.noCacheStages ?? []).some((n) => n.toLowerCase() === stage.name);
  const st: StageState = { image: base, config, args: new Map(), cmdSet: false, ...(noCache ? { noCache } : {}) };
  if (triggers.length > 0) {
    run.out(`# Executing ${triggers.length} build trigger${triggers.length === 1 ? '' : 's'}\n`);
    for (const t of triggers) await dispatch(run, st, parseLine(t, run.escape));
  }
  return st;
}
