/**
 * docker-compose 1.29 (Debian's, through docker-py) drives berthd — and a real Docker engine when
 * one answers — through the project in compose/: a `build:` service, two from the busybox image,
 * named volumes, a user network with an alias, depends_on (one on health), a published port,
 * environment and a healthcheck. Each step is a row of the conformance table; `down -v --rmi local`
 * must leave no container, network, volume or image of the project behind.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { ROOT, runProgram, type RunResult } from '../e2e/clients.js';
import { eventually } from '../e2e/harness.js';
import { clientSuite } from './client-suite.js';
import { IMAGE, type Engine } from './engines.js';

const COMPOSE = '/usr/bin/docker-compose';
const FILE = join(ROOT, 'test', 'conformance', 'compose', 'docker-compose.yml');

interface Step {
  name: string;
  run: (c: ComposeRun) => Promise<void>;
}

interface ComposeRun {
  project: string;
  engine: Engine;
  compose(args: string[], timeoutMs?: number): Promise<RunResult>;
  /** compose that must exit 0; returns stdout. */
  ok(args: string[], timeoutMs?: number): Promise<string>;
  docker(args: string[]): Promise<string>;
}

function httpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.end();
  });
}

/** `logs -f` until `want` shows up, then stop following (SIGTERM); resolves what it printed. */
function followUntil(c: ComposeRun, args: string[], want: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(COMPOSE, ['-f', FILE, ...args], { env: composeEnv(c.engine, c.project), cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`logs -f never printed ${want}; got:\n${out}`));
    }, 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (want.test(out)) {
        clearTimeout(timer);
        child.kill('SIGTERM');
      }
    });
    child.on('close', () => {
      clearTimeout(timer);
      if (want.test(out)) resolve(out);
    });
  });
}

function composeEnv(engine: Engine, project: string): NodeJS.ProcessEnv {
  // COMPOSE_DOCKER_CLI_BUILD=0: compose builds through docker-py's POST /build, not the docker CLI.
  // `run` and `exec` go through the docker CLI, compose's default: its docker-py path
  // (COMPOSE_INTERACTIVE_NO_CLI=1) starts a one-off container before attaching to it, and a quick
  // command's output is lost on any engine.
  const env: NodeJS.ProcessEnv = { ...engine.env, COMPOSE_PROJECT_NAME: project, BUSYBOX_IMAGE: IMAGE, COMPOSE_DOCKER_CLI_BUILD: '0', DOCKER_BUILDKIT: '0' };
  delete env.COMPOSE_INTERACTIVE_NO_CLI;
  return env;
}

const lines = (s: string): string[] => s.split('\n').filter((l) => l.trim() !== '');

const STEPS: Step[] = [
  {
    name: 'up -d: build, volumes, network, depends_on (healthy)',
    run: async (c) => {
      await c.ok(['up', '-d'], 300_000);
      const running = lines(await c.docker(['ps', '--filter', `label=com.docker.compose.project=${c.project}`, '--format', '{{.Names}}']));
      assert.deepEqual(running.sort(), [`${c.project}_db_1`, `${c.project}_web_1`, `${c.project}_worker_1`]);
    },
  },
  {
    name: 'ps: services Up, db (healthy), the published port',
    run: async (c) => {
      const out = await c.ok(['ps']);
      assert.match(out, new RegExp(`${c.project}_db_1 .* Up \\(healthy\\)`));
      assert.match(out, new RegExp(`${c.project}_web_1 .* Up .*0\\.0\\.0\\.0:\\d+->8080/tcp`));
      assert.match(out, new RegExp(`${c.project}_worker_1 .* Up`));
      assert.deepEqual(lines(await c.ok(['ps', '--services'])).sort(), ['db', 'web', 'worker']);
    },
  },
  {
    name: 'inspect: labels, hostname, aliases, health, build labels',
    run: async (c) => {
      const web = JSON.parse(await c.docker(['inspect', `${c.project}_web_1`]))[0];
      assert.equal(web.Config.Labels['com.docker.compose.service'], 'web');
      assert.equal(web.Config.Labels['org.berth.built'], 'yes');
      assert.ok(web.Config.Env.includes('GREETING=hello-compose'));
      assert.match(web.Config.Hostname, /^[0-9a-f]{12}$/);
      assert.ok(web.NetworkSettings.Networks[`${c.project}_back`].Aliases.includes('www'));
      const db = JSON.parse(await c.docker(['inspect', `${c.project}_db_1`]))[0];
      assert.equal(db.State.Health.Status, 'healthy');
      const net = JSON.parse(await c.docker(['network', 'inspect', `${c.project}_back`]))[0];
      assert.equal(net.Labels['org.berth.test'], 'compose');
      assert.equal(net.Labels['com.docker.compose.network'], 'back');
    },
  },
  {
    name: 'logs: every service, prefixed',
    run: async (c) => {
      const out = await eventually(
        'the worker to fetch from web',
        async () => {
          const o = await c.ok(['logs', '--no-color']);
          return /worker_1 +\| hello from web/.test(o) ? o : undefined;
        },
        30_000,
      );
      assert.match(out, /db_1 +\| db ready/);
      assert.match(out, /web_1 +\| web up, greeting=hello-compose/);
    },
  },
  {
    name: 'logs -f: follows until stopped',
    run: async (c) => {
      const out = await followUntil(c, ['logs', '-f', '--no-color', '--tail', '0', 'worker'], /worker_1 +\| hello from web/);
      assert.match(out, /Attaching to/);
    },
  },
  {
    name: 'exec -T: environment, volume, DNS alias on the network',
    run: async (c) => {
      assert.equal(await c.ok(['exec', '-T', 'web', 'sh', '-c', 'echo $GREETING; cat /data/starts | wc -l']), 'hello-compose\n1\n');
      assert.equal(await c.ok(['exec', '-T', 'worker', 'wget', '-q', '-O', '-', 'http://www:8080/']), 'hello from web\n');
      assert.equal(await c.ok(['exec', '-T', 'worker', 'sh', '-c', 'echo $ROLE; test -f /state/ready || echo no-db-volume']), 'worker\nno-db-volume\n');
      const r = await c.compose(['exec', '-T', 'web', 'sh', '-c', 'exit 7']);
      assert.equal(r.code, 7, r.stderr);
    },
  },
  {
    name: 'run --rm: one-off containers (links to dependencies), exit code',
    run: async (c) => {
      assert.equal(await c.ok(['run', '--rm', '-T', 'worker', 'wget', '-q', '-O', '-', 'http://web:8080/']), 'hello from web\n');
      const r = await c.compose(['run', '--rm', '-T', '-e', 'CODE=3', 'db', 'sh', '-c', 'exit $CODE']);
      assert.equal(r.code, 3, r.stderr);
      assert.deepEqual(
        lines(
          await c.docker(['ps', '-a', '-q', '--filter', `label=com.docker.compose.oneoff=True`, '--filter', `label=com.docker.compose.project=${c.project}`]),
        ),
        [],
      );
    },
  },
  {
    name: 'port: published port answers from the host',
    run: async (c) => {
      const port = Number((await c.ok(['port', 'web', '8080'])).trim().split(':').pop());
      assert.ok(port > 0);
      assert.equal(await eventually('web to answer on the published port', () => httpGet(port).catch(() => undefined), 15_000), 'hello from web\n');
    },
  },
  {
    name: 'restart: every service comes back, volumes kept',
    run: async (c) => {
      await c.ok(['restart'], 120_000);
      const out = await eventually(
        'web to restart',
        async () => {
          const r = await c.compose(['exec', '-T', 'web', 'sh', '-c', 'wc -l < /data/starts']);
          return r.code === 0 && r.stdout.trim() === '2' ? r.stdout : undefined;
        },
        30_000,
      );
      assert.equal(out.trim(), '2');
      assert.equal(lines(await c.docker(['ps', '--filter', `label=com.docker.compose.project=${c.project}`, '-q'])).length, 3);
    },
  },
  {
    name: 'up -d --scale worker=2',
    run: async (c) => {
      await c.ok(['up', '-d', '--scale', 'worker=2'], 120_000);
      const workers = lines(
        await c.docker([
          'ps',
          '--filter',
          `label=com.docker.compose.project=${c.project}`,
          '--filter',
          'label=com.docker.compose.service=worker',
          '--format',
          '{{.Names}}',
        ]),
      );
      assert.deepEqual(workers.sort(), [`${c.project}_worker_1`, `${c.project}_worker_2`]);
      assert.equal(await c.ok(['exec', '-T', '--index=2', 'worker', 'wget', '-q', '-O', '-', 'http://www:8080/']), 'hello from web\n');
    },
  },
  {
    name: 'down -v --rmi local: nothing left behind',
    run: async (c) => {
      await c.ok(['down', '-v', '--rmi', 'local'], 120_000);
      assert.deepEqual(lines(await c.docker(['ps', '-a', '-q', '--filter', `label=com.docker.compose.project=${c.project}`])), []);
      assert.deepEqual(lines(await c.docker(['network', 'ls', '-q', '--filter', `name=${c.project}`])), []);
      assert.deepEqual(lines(await c.docker(['volume', 'ls', '-q', '--filter', `name=${c.project}`])), []);
      assert.deepEqual(lines(await c.docker(['images', '-q', `${c.project}_web`])), []);
    },
  },
];

async function runSteps(engine: Engine, project: string, record: (step: string, err?: Error) => void): Promise<void> {
  const compose = (args: string[], timeoutMs = 60_000): Promise<RunResult> =>
    runProgram(COMPOSE, ['-f', FILE, ...args], composeEnv(engine, project), { timeoutMs });
  const c: ComposeRun = {
    project,
    engine,
    compose,
    async ok(args, timeoutMs) {
      const r = await compose(args, timeoutMs);
      if (r.code !== 0) throw new Error(`docker-compose ${args.join(' ')} exited ${r.code}: ${r.stderr.slice(-1500)}`);
      return r.stdout;
    },
    async docker(args) {
      const r = await engine.docker(args);
      if (r.code !== 0) throw new Error(`docker ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
      return r.stdout;
    },
  };
  let broken: string | undefined;
  try {
    for (const step of STEPS) {
      if (broken !== undefined && !step.name.startsWith('down')) {
        record(step.name, new Error(`not run: "${broken}" failed`));
        continue;
      }
      try {
        await step.run(c);
        record(step.name);
      } catch (err) {
        broken ??= step.name;
        record(step.name, err as Error);
      }
    }
  } finally {
    await compose(['down', '-v', '--rmi', 'local', '-t', '1'], 120_000);
  }
}

clientSuite({
  title: 'docker-compose 1.29 against berthd (and Docker)',
  skip: !existsSync(COMPOSE) && 'docker-compose is not installed (scripts/setup installs it)',
  report: 'compose',
  prefixes: { berthd: 'cb', docker: 'ck' },
  async run(engine, column, project, rec) {
    const failures: string[] = [];
    await runSteps(engine, project, (step, err) => {
      rec.set('docker-compose', step, column, err ? 'fail' : 'pass', err?.message.split('\n')[0]);
      if (err) failures.push(`${step}: ${err.message}`);
    });
    return failures;
  },
  skipDocker(rec) {
    for (const s of STEPS) rec.set('docker-compose', s.name, 'client→Docker', 'skip');
  },
});
