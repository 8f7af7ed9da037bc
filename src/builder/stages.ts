import { invalidArgument } from '../lib/errdefs.js';
import type { Instruction } from '../lib/dockerfile/instructions.js';
import { parseError } from '../lib/dockerfile/errors.js';

export type FromInstruction = Extract<Instruction, { kind: 'from' }>;

export interface Stage {
  index: number;
  /** Lower-cased `AS name`. */
  name?: string;
  from: FromInstruction;
  body: Instruction[];
}

export interface Plan {
  /** ARGs before the first FROM (usable in FROM lines). */
  metaArgs: Extract<Instruction, { kind: 'arg' }>[];
  stages: Stage[];
  /** The stages to build, in order: the target and what it depends on. */
  needed: Stage[];
  target: Stage;
}

/** Splits instructions into stages and picks what `--target` needs (Docker skips the rest). */
export function planStages(instructions: Instruction[], target: string | undefined): Plan {
  const metaArgs: Plan['metaArgs'] = [];
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.kind === 'from') {
      stages.push({ index: stages.length, name: ins.stage, from: ins, body: [] });
    } else if (stages.length === 0) {
      if (ins.kind !== 'arg') throw parseError(ins.line, 'no build stage in current context');
      metaArgs.push(ins);
    } else {
      stages.at(-1)!.body.push(ins);
    }
  }
  if (stages.length === 0) throw invalidArgument('the Dockerfile (Dockerfile) cannot be empty');
  let targetStage = stages.at(-1)!;
  if (target) {
    const t = stages.find((s) => s.name === target.toLowerCase());
    if (t === undefined) throw invalidArgument(`failed to reach build target ${target} in Dockerfile`);
    targetStage = t;
  }
  const byRef = (ref: string, before: number): Stage | undefined => {
    const r = ref.toLowerCase();
    const s = /^\d+$/.test(r) ? stages[Number(r)] : stages.find((st) => st.name === r);
    return s !== undefined && s.index < before ? s : undefined;
  };
  const needed = new Set<Stage>();
  const visit = (s: Stage): void => {
    if (needed.has(s)) return;
    needed.add(s);
    const dep = byRef(s.from.image, s.index);
    if (dep) visit(dep);
    for (const ins of s.body) {
      if ((ins.kind === 'copy' || ins.kind === 'add') && ins.flags.from !== undefined) {
        const d = byRef(ins.flags.from, s.index);
        if (d) visit(d);
      }
      // RUN --mount=…,from=<stage> (the raw flag: BuildKit resolves the stage before expansion too).
      if (ins.kind === 'run') {
        for (const m of ins.mounts) {
          const from = /(?:^|,)from=([^,]+)/.exec(m)?.[1];
          const d = from === undefined ? undefined : byRef(from, s.index);
          if (d) visit(d);
        }
      }
    }
  };
  visit(targetStage);
  return { metaArgs, stages, needed: stages.filter((s) => needed.has(s)), target: targetStage };
}
