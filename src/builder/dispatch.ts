import type { ImageRuntimeConfig } from '../core/images.js';
import { applyConfigInstruction, CONFIG_INSTRUCTIONS, DEFAULT_SHELL } from '../lib/dockerfile/apply-config.js';
import { expandWord } from '../lib/dockerfile/expand.js';
import type { Instruction } from '../lib/dockerfile/instructions.js';
import type { Digest } from '../lib/digest.js';
import { writeImage } from '../services/images/write-image.js';
import { cacheKey } from './cache.js';
import { finishStep, fromCache } from './cache-step.js';
import { copyStep } from './copy-step.js';
import { mkdirInRoot } from './copy.js';
import { runStep } from './run.js';
import { prepareRunMounts, runMountsKey } from './run-mounts.js';
import { invalidArgument } from '../lib/errdefs.js';
import { parseRunMount } from '../lib/dockerfile/run-mount.js';
import { PREDEFINED_ARGS, runArgsEnv, stageLookup, type BuildRun, type StageState } from './state.js';
import { stepImageOf, withScratchSnapshot, writeStepImage, type StepImage } from './step-image.js';

/** Docker's classic builder on a `RUN --mount` (a BuildKit-only flag). */
export const MOUNT_NEEDS_BUILDKIT =
  'the --mount option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled';

/** Runs one instruction of a stage, updating `st` to the step's image. */
export async function dispatch(run: BuildRun, st: StageState, ins: Instruction): Promise<void> {
  const lookup = stageLookup(st);
  const x = (w: string): string => expandWord(w, lookup, run.escape);
  switch (ins.kind) {
    case 'arg':
      for (const a of ins.args) {
        const name = x(a.name);
        run.usedArgs.add(name);
        const given = run.buildArgs.get(name);
        const inherited = run.metaArgs.get(name);
        st.args.set(name, given ?? (a.def !== undefined ? x(a.def) : inherited));
      }
      return metadataStep(run, st, ins, st.config);
    case 'maintainer':
      st.author = x(ins.value);
      return metadataStep(run, st, ins, st.config);
    case 'run':
      return runInstruction(run, st, ins);
    case 'copy':
    case 'add':
      return copyStep(run, st, ins);
    case 'from':
      throw new Error('FROM is handled by the executor');
    default: {
      if (!CONFIG_INSTRUCTIONS.has(ins.kind)) throw new Error(`unhandled instruction ${ins.kind}`);
      const cfg = structuredClone(st.config);
      const ctx = { env: lookup, escape: run.escape, cmdSet: st.cmdSet };
      applyConfigInstruction(cfg, ins, ctx);
      st.cmdSet = ctx.cmdSet;
      if (ins.kind === 'workdir') return workdirStep(run, st, ins, cfg);
      return metadataStep(run, st, ins, cfg);
    }
  }
}

const nop = (st: StageState, ins: Instruction): string => [...(st.config.Shell ?? DEFAULT_SHELL), '#(nop) ', ins.original].join(' ');

async function metadataStep(run: BuildRun, st: StageState, ins: Instruction, cfg: ImageRuntimeConfig): Promise<void> {
  const key = cacheKey(st.image.id ?? '', `${ins.original}\n${JSON.stringify(cfg)}\n${st.author ?? ''}`);
  st.config = cfg;
  if (await fromCache(run, st, key, { createdBy: nop(st, ins), config: cfg })) return;
  await finishStep(run, st, key, await writeStepImage(run.deps.images, st.image, cfg, nop(st, ins), undefined, st.author));
}

async function workdirStep(run: BuildRun, st: StageState, ins: Instruction, cfg: ImageRuntimeConfig): Promise<void> {
  const key = cacheKey(st.image.id ?? '', `${ins.original}\n${JSON.stringify(cfg)}\n${st.author ?? ''}`);
  st.config = cfg;
  if (await fromCache(run, st, key, { createdBy: nop(st, ins), config: cfg })) return;
  const layer = await withScratchSnapshot(run.deps.images, run.deps.scratch, st.image, (root) => mkdirInRoot(root, cfg.WorkingDir ?? '/', { uid: 0, gid: 0 }));
  await finishStep(run, st, key, await writeStepImage(run.deps.images, st.image, cfg, nop(st, ins), layer, st.author));
}

/** The image a container can be created from: a bare `FROM scratch` is stored first. */
export async function stored(run: BuildRun, img: StepImage): Promise<StepImage & { id: Digest }> {
  if (img.id !== undefined) return img as StepImage & { id: Digest };
  const image = await writeImage(run.deps.images, { config: img.blob, layers: [] });
  return { ...img, id: image.id };
}

async function runInstruction(run: BuildRun, st: StageState, ins: Extract<Instruction, { kind: 'run' }>): Promise<void> {
  const shell = st.config.Shell ?? DEFAULT_SHELL;
  let argv: string[];
  if ('json' in ins.command) argv = ins.command.json;
  else {
    let script = ins.command.shell;
    const only = /^<<-?(["']?)([A-Za-z_][A-Za-z0-9_]*)\1$/.exec(script.trim());
    if (only !== null && ins.heredocs.length === 1) script = ins.heredocs[0]!.content;
    else if (ins.heredocs.length > 0) script = [script, ...ins.heredocs.map((h) => `${h.content}${h.name}`)].join('\n');
    argv = [...shell, script];
  }
  const lookup = stageLookup(st);
  const mounts = ins.mounts.map((v) => parseRunMount(expandWord(v, lookup, run.escape), ins.line));
  if (mounts.length > 0 && run.opts.session === undefined) throw invalidArgument(MOUNT_NEEDS_BUILDKIT);
  const env = runArgsEnv(run, st);
  const keyedEnv = env.filter((e) => !PREDEFINED_ARGS.has(e.split('=', 1)[0]!));
  const key = cacheKey(
    st.image.id ?? '',
    `RUN ${JSON.stringify(argv)}\n${JSON.stringify(keyedEnv)}\n${JSON.stringify(st.config)}${await runMountsKey(run, mounts)}`,
  );
  // commit records the command as its history entry: RUN's argv, joined.
  if (await fromCache(run, st, key, { createdBy: argv.join(' '), config: st.config })) return;
  const parent = await stored(run, st.image);
  const prepared = await prepareRunMounts(run, mounts, argv);
  let id: Digest;
  try {
    id = await runStep(
      run.deps,
      {
        parent,
        argv,
        env,
        secretEnv: prepared.env,
        config: st.config,
        networkMode: run.opts.networkMode,
        extraHosts: run.opts.extraHosts,
        rm: run.opts.rm,
        forceRm: run.opts.forceRm,
        author: st.author,
        mounts: prepared.mounts,
        // BuildKit's progress says nothing of the removal: the build waits for it at its end.
        ...(run.steps !== undefined ? { deferRemoval: (p: Promise<void>) => void run.cleanups.push(() => p) } : {}),
      },
      run.out,
      run.log,
    );
  } finally {
    await prepared.release();
  }
  await finishStep(run, st, key, await stepImageOf(run.deps.images, run.deps.images.images.get(id)!));
}
