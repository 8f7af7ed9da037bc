import type { StepProgress } from '../builder/deps.js';
import type { Stage } from '../builder/stages.js';
import type { Instruction } from '../lib/dockerfile/instructions.js';
import { fullName, parseNormalizedNamed } from '../lib/reference.js';
import type { BuildProgress, Vertex } from './progress.js';

/** The instructions BuildKit's Dockerfile frontend makes a vertex of (the others only change the config). */
const FS_KINDS = new Set<Instruction['kind']>(['run', 'copy', 'add', 'workdir']);

/** Docker's build stream marks a step's stderr in bright red; BuildKit carries it as stream 2. */
const STDERR = /^\x1b\[91m([\s\S]*)\x1b\[0m$/;

/**
 * The classic builder's steps as BuildKit's vertexes: `[1/4] FROM docker.io/library/busybox:latest`,
 * `[2/4] COPY . /src`, with the stage's name (`[builder 2/3] RUN make`) when the build has
 * several stages; config-only instructions (ENV, CMD, …) make none, as in BuildKit.
 */
export function stepVertexes(progress: BuildProgress): StepProgress & { fail(message: string): void; end(): void } {
  const lanes: Array<{ close(opts?: { cached?: boolean; error?: string }): void }> = [];
  const lane = (): StepProgress => {
    let current: Vertex | undefined;
    const close = (opts?: { cached?: boolean; error?: string }): void => {
      current?.complete(opts);
      current = undefined;
    };
    lanes.push({ close });
    return {
      start(stage: Stage, index: number, stages: Stage[]) {
        close();
        const counted = stage.body.filter((i) => FS_KINDS.has(i.kind));
        const ins = index < 0 ? undefined : stage.body[index];
        if (ins !== undefined && !FS_KINDS.has(ins.kind)) return;
        const n = ins === undefined ? 1 : 2 + counted.indexOf(ins);
        const prefix = stages.length > 1 ? `${stage.name ?? `stage-${stage.index}`} ` : '';
        const text = ins === undefined ? `FROM ${fromName(stage, stages)}` : ins.original.trim();
        current = progress.vertex(`[${prefix}${n}/${counted.length + 1}] ${text}`);
      },
      cached: () => close({ cached: true }),
      log(text: string) {
        const m = STDERR.exec(text);
        current?.log(m ? m[1]! : text, m ? 2 : 1);
      },
      status: (id, bytes, total, done) => current?.status(id, bytes, total, done),
      end: () => close(),
    };
  };
  // The build's own lane (stages one after the other), and one more per stage built beside others.
  const main = lane();
  return {
    ...main,
    lane,
    fail: (message) => {
      for (const l of lanes) l.close({ error: message });
    },
    end: () => {
      for (const l of lanes) l.close();
    },
  };
}

/** What BuildKit shows after FROM: the normalised image name (an earlier stage or a variable as written). */
function fromName(stage: Stage, stages: Stage[]): string {
  const ref = stage.from.image;
  if (ref.includes('$') || ref.toLowerCase() === 'scratch' || stages.some((s) => s.name === ref.toLowerCase())) return ref;
  try {
    return fullName(parseNormalizedNamed(ref));
  } catch {
    return ref;
  }
}
