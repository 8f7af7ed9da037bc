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
import { API_VERSION } from '../../src/api/types/version.js';
import { PINNED, RECORDED_VERSION, referenceAt } from './versions.js';
import { compareVersions } from '../../src/api/versions.js';

const RECORDED = join(ROOT, 'test', 'conformance', 'docker-shapes.json');
type Recorded = Record<string, Shape[]>;

type Client = (args: string[], opts?: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv }) => Promise<RunResult>;

interface Side {
  column: Column;
  prefix: string;
  client: Client;
  /** The API version the client is pinned to (`DOCKER_API_VERSION`); none: it negotiates. */
  version?: string;
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

/** Runs one scenario on one side; returns a shape per step (setup failures throw), and each step's stderr. */
async function runScenario(s: Scenario, side: Side): Promise<Shape[] & { stderr?: string[] }> {
  const run = (args: string[], input?: string): Promise<RunResult> =>
    side.client(
      args.map((a) => fill(a, side.prefix)),
      {
        input: input === undefined ? undefined : fill(input, side.prefix),
        timeoutMs: 60_000,
        env: side.version === undefined ? undefined : { DOCKER_API_VERSION: side.version },
      },
    );
  try {
    for (const args of s.setup ?? []) {
      const r = await run(args);
      if (r.code !== 0) throw new Error(`setup ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    }
    const shapes: Shape[] & { stderr?: string[] } = [];
    shapes.stderr = [];
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
      shapes.stderr.push(r.stderr);
    }
    return shapes;
  } finally {
    for (const args of s.cleanup ?? []) await run(args);
  }
}

/**
 * Docker's recorded answers as they would be at `version`: fields removed by then left out, and the
 * server's maximum API version (`version` prints it) berthd's own rather than the recorded engine's.
 */
function recordedAt(s: Scenario, shapes: Shape[], version: string): Shape[] {
  return shapes.map((shape, i) => {
    const out = referenceAt(shape, version);
    if (s.steps[i]?.args.some((a) => a.includes('{{.Server.APIVersion}}')) && Array.isArray(out.stdout)) {
      out.stdout = (out.stdout as string[]).map((l) => (l.startsWith(`${RECORDED_VERSION} `) ? API_VERSION + l.slice(RECORDED_VERSION.length) : l));
    }
    return out;
  });
}

/**
 * Why `got` differs from the reference, step by step; differences of `known` steps go to `notes`.
 * A step whose flags need a newer API than `side` is pinned to is the client's own refusal (the
 * docker CLI's) or, for berth (which gates no flag by version), not compared.
 */
function diff(s: Scenario, reference: Shape[], got: Shape[], notes?: (n: string) => void, side?: Side, stderr?: string[]): string[] {
  return s.steps.flatMap((step, i) => {
    if (side?.version !== undefined && step.needs !== undefined && compareVersions(side.version, step.needs) < 0) {
      if (side.column === 'berth→berthd') return [];
      const refused = got[i]!.code !== 0 && new RegExp(`requires API version ${step.needs.replace('.', '\\.')}`).test(stderr?.[i] ?? '');
      return refused
        ? []
        : [`step ${i + 1} (${step.args.slice(0, 3).join(' ')}): the docker CLI at API ${side.version} should refuse it (needs ${step.needs})`];
    }
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

  before(async () => {
    berth = await startBerthd();
    // Each client pinned to each version of PINNED (the recording's own 1.41 among them).
    for (const version of PINNED) {
      const tag = version.replace('.', '');
      sides.push(
        { column: 'client→berthd', prefix: `${RUN}d${tag}`, client: berth.docker, version },
        { column: 'berth→berthd', prefix: `${RUN}b${tag}`, client: berth.berth, version },
      );
    }
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
      const shapes = new Map<Side, (Shape[] & { stderr?: string[] }) | Error>();
      for (const side of sides) shapes.set(side, await runScenario(s, side).catch((e: Error) => e));
      const dockerSide = sides.find((x) => x.column === 'client→Docker');
      const fromDocker = dockerSide === undefined ? undefined : shapes.get(dockerSide);
      if (fromDocker instanceof Error) rec.set('docker CLI', s.name, 'client→Docker', 'fail', fromDocker.message);
      else if (fromDocker !== undefined) {
        live[s.name] = fromDocker;
        const drift = recorded[s.name] === undefined ? ['not recorded'] : diff(s, recorded[s.name]!, fromDocker);
        if (drift.length > 0 && !record)
          rec.note(`Docker's output differs from the recording for "${s.name}": ${drift.join('; ')} (BERTH_CONFORMANCE_RECORD=1 rewrites it)`);
        rec.set('docker CLI', s.name, 'client→Docker', 'pass');
      } else rec.set('docker CLI', s.name, 'client→Docker', 'skip');

      // The live engine here is Docker 20.10 (API 1.41), as the recording: both are Docker's answer at 1.41.
      const reference = fromDocker instanceof Error || fromDocker === undefined ? recorded[s.name] : fromDocker;
      const problems: string[] = [];
      for (const side of sides.filter((x) => x.column !== 'client→Docker')) {
        const got = shapes.get(side)!;
        const why =
          got instanceof Error
            ? [got.message]
            : reference === undefined
              ? ['no Docker reference (run with a Docker engine and BERTH_CONFORMANCE_RECORD=1)']
              : diff(
                  s,
                  recordedAt(s, reference, side.version!),
                  got,
                  (n) => rec.note(`${n.replaceAll(side.prefix, '<p>')} (API ${side.version})`),
                  side,
                  (got as { stderr?: string[] }).stderr,
                );
        const row = side.version === RECORDED_VERSION ? s.name : `${s.name} (API ${side.version})`;
        rec.set('docker CLI', row, side.column, why.length === 0 ? 'pass' : 'fail', why.join('; '));
        problems.push(...why.map((w) => `${side.column} at API ${side.version}: ${w}`));
      }
      assert.deepEqual(problems, [], `"${s.name}" differs from Docker:\n${problems.join('\n')}\nberthd log (tail):\n${berth.daemon.log().slice(-1500)}`);
    });
  }
});
