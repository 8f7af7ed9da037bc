/**
 * The Docker SDK for Python (Debian's python3-docker) against berthd and, when one answers, Docker:
 * sdk_scenarios.py runs each scenario and prints a JSON line per scenario, a row of the table.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiRequest, ROOT, runProgram } from '../e2e/clients.js';
import { dockerEngineUp, IMAGE, openDocker, RUN, startBerthd, type BerthEngine, type Engine } from './engines.js';
import { Recorder, type Column } from './report.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(ROOT, 'test', 'conformance', 'sdk_scenarios.py');
const CLIENT = 'docker-py (python3-docker)';

/** Scenarios that need the json-file (or journald) log driver: docker-py reads run's output only then. */
const NEEDS_JSON_FILE_LOGS = new Set(['containers.run: output, exit code error']);

interface Outcome {
  scenario: string;
  ok: boolean;
  error?: string;
}

async function runScenarios(engine: Engine, prefix: string): Promise<Outcome[]> {
  const r = await runProgram(PYTHON, [SCRIPT], { ...engine.env, BERTH_IMAGE: IMAGE, BERTH_PREFIX: prefix, PYTHONDONTWRITEBYTECODE: '1' }, { timeoutMs: 600_000 });
  const outcomes = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Outcome);
  if (r.code !== 0 || outcomes.length === 0) throw new Error(`sdk_scenarios.py exited ${r.code}:\n${r.stderr.slice(-3000)}`);
  return outcomes;
}

const hasPythonSdk = existsSync(PYTHON) && (await runProgram(PYTHON, ['-c', 'import docker'], process.env).catch(() => ({ code: 1 }))).code === 0;

describe('Docker SDK for Python against berthd (and Docker)', { skip: !hasPythonSdk && 'python3-docker is not installed (scripts/setup installs it)' }, async () => {
  const dockerUp = await dockerEngineUp();
  const rec = new Recorder('python-sdk');
  let berth: BerthEngine;

  before(async () => {
    berth = await startBerthd();
  });
  after(async (t) => {
    const table = rec.write();
    (t as unknown as { diagnostic?: (m: string) => void }).diagnostic?.(table);
    await berth?.stop();
  });

  const record = (outcomes: Outcome[], column: Column): void => {
    for (const o of outcomes) rec.set(CLIENT, o.scenario, column, o.ok ? 'pass' : 'fail', o.error);
  };

  it('every scenario passes on berthd', async () => {
    const outcomes = await runScenarios(berth, `${RUN}pb`);
    record(outcomes, 'client→berthd');
    const info = (await apiRequest(berth.socket, 'GET', '/v1.41/info')).json as { LoggingDriver: string };
    const failed = outcomes.filter((o) => !o.ok).filter((o) => {
      if (!NEEDS_JSON_FILE_LOGS.has(o.scenario) || ['json-file', 'journald'].includes(info.LoggingDriver)) return true;
      rec.note(`"${o.scenario}" needs the json-file log driver (docker-py reads containers.run's output only from json-file or journald); berthd's default is ${info.LoggingDriver}`);
      return false;
    });
    assert.deepEqual(failed, [], `${failed.map((o) => `${o.scenario}: ${o.error}`).join('\n')}\nberthd log (tail):\n${berth.daemon.log().slice(-2000)}`);
  });

  it('the same scenarios on Docker (for the table)', { skip: !dockerUp && 'no Docker engine on /var/run/docker.sock' }, async () => {
    const docker = await openDocker();
    try {
      record(await runScenarios(docker, `${RUN}pk`), 'client→Docker');
    } finally {
      await docker.stop();
    }
  });

  it('records the Docker column as skipped without an engine', { skip: dockerUp }, () => {
    for (const r of rec.report.rows) r.cells['client→Docker'] = 'skip';
    rec.note('no Docker engine on /var/run/docker.sock: the Docker column is skipped');
  });
});
