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
  /** The needed stages `stage` uses (its FROM, COPY --from, RUN --mount from=): they must be built first. */
  dependsOn(stage: Stage): Stage[];
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
  /** The stages `s` names, by the raw words (BuildKit resolves stages before expansion too); a word with a variable may name any earlier stage. */
  const uses = (s: Stage): { named: Stage[]; variable: boolean } => {
    const refs = [s.from.image];
    for (const ins of s.body) {
      if ((ins.kind === 'copy' || ins.kind === 'add') && ins.flags.from !== undefined) refs.push(ins.flags.from);
      // RUN --mount=…,from=<stage>
      if (ins.kind === 'run') for (const m of ins.mounts) refs.push(/(?:^|,)from=([^,]+)/.exec(m)?.[1] ?? '');
    }
    return { named: refs.flatMap((r) => byRef(r, s.index) ?? []), variable: refs.some((r) => r.includes('$')) };
  };
  const needed = new Set<Stage>();
  const visit = (s: Stage): void => {
    if (needed.has(s)) return;
    needed.add(s);
    for (const d of uses(s).named) visit(d);
  };
  visit(targetStage);
  const neededList = stages.filter((s) => needed.has(s));
  const dependsOn = (s: Stage): Stage[] => {
    const u = uses(s);
    return u.variable ? neededList.filter((x) => x.index < s.index) : [...new Set(u.named)];
  };
  return { metaArgs, stages, needed: neededList, target: targetStage, dependsOn };
}
