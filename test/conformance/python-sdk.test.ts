/**
 * The Docker SDK for Python (Debian's python3-docker) against berthd and, when one answers, Docker:
 * sdk_scenarios.py runs each scenario and prints a JSON line per scenario, a row of the table.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { apiRequest, ROOT, runProgram } from '../e2e/clients.js';
import { clientSuite } from './client-suite.js';
import { IMAGE, type Engine } from './engines.js';
import { PINNED, RECORDED_VERSION } from './versions.js';
import { API_VERSION } from '../../src/api/types/version.js';

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

async function runScenarios(engine: Engine, prefix: string, version: string): Promise<Outcome[]> {
  const server = engine.kind === 'berthd' ? API_VERSION : RECORDED_VERSION;
  const r = await runProgram(
    PYTHON,
    [SCRIPT],
    { ...engine.env, BERTH_IMAGE: IMAGE, BERTH_PREFIX: prefix, BERTH_API_VERSION: version, BERTH_SERVER_API_VERSION: server, PYTHONDONTWRITEBYTECODE: '1' },
    { timeoutMs: 600_000 },
  );
  const outcomes = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Outcome);
  if (r.code !== 0 || outcomes.length === 0) throw new Error(`sdk_scenarios.py exited ${r.code}:\n${r.stderr.slice(-3000)}`);
  return outcomes;
}

const hasPythonSdk = existsSync(PYTHON) && (await runProgram(PYTHON, ['-c', 'import docker'], process.env).catch(() => ({ code: 1 }))).code === 0;

clientSuite({
  title: 'Docker SDK for Python against berthd (and Docker)',
  skip: !hasPythonSdk && 'python3-docker is not installed (scripts/setup installs it)',
  report: 'python-sdk',
  prefixes: { berthd: 'pb', docker: 'pk' },
  async run(engine, column, prefix, rec) {
    // berthd at each pinned version (the docker.APIClient version); Docker at the recording's 1.41, its own maximum here.
    const outcomes: Outcome[] = [];
    for (const version of column === 'client→berthd' ? PINNED : [RECORDED_VERSION]) {
      const got = await runScenarios(engine, `${prefix}${version.replace('.', '')}`, version);
      outcomes.push(...got.map((o) => (version === RECORDED_VERSION ? o : { ...o, scenario: `${o.scenario} (API ${version})` })));
    }
    for (const o of outcomes) rec.set(CLIENT, o.scenario, column, o.ok ? 'pass' : 'fail', o.error);
    const info = (await apiRequest(engine.socket, 'GET', '/v1.41/info')).json as { LoggingDriver: string };
    const failed = outcomes
      .filter((o) => !o.ok)
      .filter((o) => {
        if (![...NEEDS_JSON_FILE_LOGS].some((n) => o.scenario.startsWith(n)) || ['json-file', 'journald'].includes(info.LoggingDriver)) return true;
        rec.note(
          `"${o.scenario}" needs the json-file log driver (docker-py reads containers.run's output only from json-file or journald); the engine's default is ${info.LoggingDriver}`,
        );
        return false;
      });
    return failed.map((o) => `${o.scenario}: ${o.error}`);
  },
});
