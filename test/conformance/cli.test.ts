/**
 * CLI conformance: every scenario of cli-scenarios.ts runs through the docker CLI and berth against
 * a private berthd, and through the docker CLI against a real Docker engine when one answers on
 * /var/run/docker.sock. berth's output must have Docker's shape (shape.ts). Without a Docker engine
 * (CI), berth is compared with Docker's shapes recorded in docker-shapes.json; with one, with the
 * live engine (and the recording is checked against it; `BERTH_CONFORMANCE_RECORD=1` rewrites it).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, type RunResult } from '../e2e/clients.js';
import { eventually } from '../e2e/harness.js';
import { SCENARIOS, type Scenario, type Step } from './cli-scenarios.js';
import { dockerEngineUp, IMAGE, LABEL, openDocker, RUN, startBerthd, type BerthEngine, type Engine } from './engines.js';
import { Recorder, type Column } from './report.js';
import { normalize, shapeDiff, skeleton, tableShape, valueAt, type Shape } from './shape.js';

const RECORDED = join(ROOT, 'test', 'conformance', 'docker-shapes.json');
type Recorded = Record<string, Shape[]>;

type Client = (args: string[], opts?: { input?: string; timeoutMs?: number }) => Promise<RunResult>;

interface Side {
  column: Column;
  prefix: string;
  client: Client;
}

function fill(arg: string, prefix: string): string {
  return arg.replaceAll('{p}', prefix).replaceAll('{img}', IMAGE).replaceAll('{label}', `${LABEL}=${prefix}`);
}

function shapeOf(step: Step, r: RunResult, prefix: string): Shape {
  const shape: Shape = { code: r.code };
  const out = normalize(r.stdout, prefix);
  if (step.out === 'table') shape.stdout = tableShape(out);
  else if (step.out === 'lines') shape.stdout = out.split('\n').filter((l) => l !== '');
  else if (step.out === 'json' && r.code === 0) {
    const json = JSON.parse(r.stdout) as unknown;
    shape.stdout = skeleton(json);
    shape.values = {};
    for (const p of step.values ?? []) shape.values[p] = JSON.parse(normalize(JSON.stringify(valueAt(json, p) ?? null), prefix));
  }
  if (step.error) shape.error = normalize(r.stderr.split('\n').find((l) => l.trim() !== '') ?? '', prefix).trim();
  return shape;
}

/** Runs one scenario on one side; returns a shape per step (setup failures throw). */
async function runScenario(s: Scenario, side: Side): Promise<Shape[]> {
  const run = (args: string[], input?: string): Promise<RunResult> =>
    side.client(
      args.map((a) => fill(a, side.prefix)),
      { input: input === undefined ? undefined : fill(input, side.prefix), timeoutMs: 60_000 },
    );
  try {
    for (const args of s.setup ?? []) {
      const r = await run(args);
      if (r.code !== 0) throw new Error(`setup ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    }
    const shapes: Shape[] = [];
    for (const step of s.steps) {
      let r = await run(step.args, step.input);
      if (step.until !== undefined) {
        const until = step.until;
        r = await eventually(
          `${step.args.join(' ')} to print ${until}`,
          async () => {
            const x = await run(step.args, step.input);
            return until.test(x.stdout) ? x : undefined;
          },
          30_000,
        );
      }
      shapes.push(shapeOf(step, r, side.prefix));
    }
    return shapes;
  } finally {
    for (const args of s.cleanup ?? []) await run(args);
  }
}

/** Why `got` differs from the reference, step by step; differences of `known` steps go to `notes`. */
function diff(s: Scenario, reference: Shape[], got: Shape[], notes?: (n: string) => void): string[] {
  return s.steps.flatMap((step, i) => {
    const why = shapeDiff(reference[i] ?? { code: -1 }, got[i]!, step.out, step.ignore).map((d) => `step ${i + 1} (${step.args.slice(0, 3).join(' ')}): ${d}`);
    if (step.known === undefined || notes === undefined) return why;
    if (why.length > 0) notes(`"${s.name}" ${why.join('; ')} — known: ${step.known}`);
    return [];
  });
}

describe('CLI conformance: docker and berth against berthd, docker against Docker', async () => {
  const dockerUp = await dockerEngineUp();
  const record = process.env.BERTH_CONFORMANCE_RECORD === '1' && dockerUp;
  const recorded: Recorded = existsSync(RECORDED) ? (JSON.parse(readFileSync(RECORDED, 'utf8')) as Recorded) : {};
  const live: Recorded = {};
  const rec = new Recorder('cli');
  let berth: BerthEngine;
  let docker: Engine | undefined;
  const sides: Side[] = [];
  const side = (c: Column): Side => sides.find((x) => x.column === c)!;

  before(async () => {
    berth = await startBerthd();
    sides.push({ column: 'client→berthd', prefix: `${RUN}d`, client: berth.docker }, { column: 'berth→berthd', prefix: `${RUN}b`, client: berth.berth });
    if (dockerUp) {
      docker = await openDocker();
      sides.push({ column: 'client→Docker', prefix: `${RUN}k`, client: docker.docker });
    } else {
      rec.note(
        'no Docker engine on /var/run/docker.sock: berth is compared with the shapes recorded from Docker in test/conformance/docker-shapes.json; the Docker column is skipped',
      );
    }
  });

  after(async (t) => {
    if (record) writeFileSync(RECORDED, JSON.stringify({ ...recorded, ...live }, null, 1) + '\n');
    const table = rec.write();
    (t as unknown as { diagnostic?: (m: string) => void }).diagnostic?.(table);
    process.stdout.write(`\n${table}`);
    await docker?.stop();
    await berth?.stop();
  });

  for (const s of SCENARIOS) {
    it(s.name, async () => {
      const shapes = new Map<Column, Shape[] | Error>();
      for (const side of sides) shapes.set(side.column, await runScenario(s, side).catch((e: Error) => e));
      const fromDocker = shapes.get('client→Docker');
      if (fromDocker instanceof Error) rec.set('docker CLI', s.name, 'client→Docker', 'fail', fromDocker.message);
      else if (fromDocker !== undefined) {
        live[s.name] = fromDocker;
        const drift = recorded[s.name] === undefined ? ['not recorded'] : diff(s, recorded[s.name]!, fromDocker);
        if (drift.length > 0 && !record)
          rec.note(`Docker's output differs from the recording for "${s.name}": ${drift.join('; ')} (BERTH_CONFORMANCE_RECORD=1 rewrites it)`);
        rec.set('docker CLI', s.name, 'client→Docker', 'pass');
      } else rec.set('docker CLI', s.name, 'client→Docker', 'skip');

      const reference = fromDocker instanceof Error || fromDocker === undefined ? recorded[s.name] : fromDocker;
      const problems: string[] = [];
      for (const column of ['client→berthd', 'berth→berthd'] as const) {
        const got = shapes.get(column)!;
        const why =
          got instanceof Error
            ? [got.message]
            : reference === undefined
              ? ['no Docker reference (run with a Docker engine and BERTH_CONFORMANCE_RECORD=1)']
              : diff(s, reference, got, (n) => rec.note(n.replaceAll(side(column).prefix, '<p>')));
        rec.set('docker CLI', s.name, column, why.length === 0 ? 'pass' : 'fail', why.join('; '));
        problems.push(...why.map((w) => `${column}: ${w}`));
      }
      assert.deepEqual(problems, [], `"${s.name}" differs from Docker:\n${problems.join('\n')}\nberthd log (tail):\n${berth.daemon.log().slice(-1500)}`);
    });
  }
});
