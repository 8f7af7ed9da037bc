/**
 * Compose drives berthd — and a real Docker engine when one answers — through the project in
 * compose/: a `build:` service, the others from the busybox image, named volumes, two user
 * networks with aliases (a service on both reaches names on each), depends_on (one on health), a
 * profile, a published port, environment and a healthcheck. One list of steps serves both
 * clients: docker-compose 1.29 (Debian's, through docker-py) and compose v2 (`docker compose`,
 * the plugin scripts/fetch-cli-plugins takes from trixie, in a test-only DOCKER_CONFIG that holds
 * no buildx, so builds stay on the classic POST /build with DOCKER_BUILDKIT=0). Each step is a row
 * of the conformance table; `down -v --rmi local` must leave no container, network, volume or
 * image of the project behind.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runProgram, type RunResult } from '../e2e/clients.js';
import { eventually } from '../e2e/harness.js';
import { clientSuite } from './client-suite.js';
import { IMAGE, type Engine } from './engines.js';
import type { Column, Recorder } from './report.js';

const COMPOSE_V1 = '/usr/bin/docker-compose';
/** Where scripts/fetch-cli-plugins puts compose v2 and buildx (BERTH_CLI_PLUGINS overrides it). */
const PLUGINS = process.env.BERTH_CLI_PLUGINS ?? '/var/cache/berth/cli-plugins';
const COMPOSE_V2 = join(PLUGINS, 'docker-compose');
const FILE = join(ROOT, 'test', 'conformance', 'compose', 'docker-compose.yml');

/** What differs between the two compose clients; everything else is one list of steps. */
interface ComposeClient {
  /** The program and the arguments before compose's own. */
  command: (file: string) => [string, string[]];
  /** The container of a service (`p_web_1` in v1, `p-web-1` in v2). */
  container(project: string, service: string, index?: number): string;
  /** A service's container in `logs` prefixes (`web_1`, `web-1`). */
  logName(service: string, index?: number): string;
  /** The image a `build:` service gets. */
  image(project: string, service: string): string;
  /** How `ps` shows a healthy container's status. */
  upHealthy: string;
  /** `ps --services` lists services of profiles that are off too (v1). */
  servicesListsProfiles: boolean;
  /** `logs -f` announces what it attaches to (v1 only). */
  attachLine: boolean;
  /** Extra environment (v2: the DOCKER_CONFIG with the plugin). */
  env?: NodeJS.ProcessEnv;
}

const V1: ComposeClient = {
  command: (file) => [COMPOSE_V1, ['-f', file]],
  container: (p, s, i = 1) => `${p}_${s}_${i}`,
  logName: (s, i = 1) => `${s}_${i}`,
  image: (p, s) => `${p}_${s}`,
  upHealthy: 'Up \\(healthy\\)',
  servicesListsProfiles: true,
  attachLine: true,
};

const v2 = (config: string): ComposeClient => ({
  command: (file) => ['docker', ['compose', '-f', file]],
  container: (p, s, i = 1) => `${p}-${s}-${i}`,
  logName: (s, i = 1) => `${s}-${i}`,
  image: (p, s) => `${p}-${s}`,
  upHealthy: 'Up [^\\n]*\\(healthy\\)',
  servicesListsProfiles: false,
  attachLine: false,
  env: { DOCKER_CONFIG: config },
});

/** A DOCKER_CONFIG holding the engine's config.json and only the compose v2 plugin (no buildx). */
async function composeV2Config(engine: Engine): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-compose-v2-'));
  await mkdir(join(dir, 'cli-plugins'));
  await symlink(COMPOSE_V2, join(dir, 'cli-plugins', 'docker-compose'));
  const own = join(engine.env.DOCKER_CONFIG ?? '', 'config.json');
  if (existsSync(own)) await copyFile(own, join(dir, 'config.json'));
  return dir;
}

interface Step {
  name: string;
  run: (c: ComposeRun) => Promise<void>;
}

interface ComposeRun {
  project: string;
  engine: Engine;
  client: ComposeClient;
  /** The project's container of a service. */
  name(service: string, index?: number): string;
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
    const [program, base] = c.client.command(FILE);
    const child = spawn(program, [...base, ...args], { env: composeEnv(c.engine, c.project, c.client), cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
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

function composeEnv(engine: Engine, project: string, client: ComposeClient): NodeJS.ProcessEnv {
  // COMPOSE_DOCKER_CLI_BUILD=0: compose builds through docker-py's POST /build, not the docker CLI.
  // `run` and `exec` go through the docker CLI, compose's default: its docker-py path
  // (COMPOSE_INTERACTIVE_NO_CLI=1) starts a one-off container before attaching to it, and a quick
  // command's output is lost on any engine.
  const env: NodeJS.ProcessEnv = {
    ...engine.env,
    ...client.env,
    COMPOSE_PROJECT_NAME: project,
    BUSYBOX_IMAGE: IMAGE,
    COMPOSE_DOCKER_CLI_BUILD: '0',
    DOCKER_BUILDKIT: '0',
  };
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
      assert.deepEqual(running.sort(), [c.name('db'), c.name('edge'), c.name('web'), c.name('worker')].sort());
    },
  },
  {
    name: 'ps: services Up, db (healthy), the published port',
    run: async (c) => {
      const out = await c.ok(['ps']);
      assert.match(out, new RegExp(`${c.name('db')} .* ${c.client.upHealthy}`));
      assert.match(out, new RegExp(`${c.name('web')} .* Up .*0\\.0\\.0\\.0:\\d+->8080/tcp`));
      assert.match(out, new RegExp(`${c.name('worker')} .* Up`));
      const services = ['db', 'edge', 'web', 'worker', ...(c.client.servicesListsProfiles ? ['debug'] : [])].sort();
      assert.deepEqual(lines(await c.ok(['ps', '--services'])).sort(), services);
      const debug = ['ps', '-aq', '--filter', `label=com.docker.compose.project=${c.project}`, '--filter', 'label=com.docker.compose.service=debug'];
      assert.deepEqual(lines(await c.docker(debug)), [], 'a service in a profile is not started');
    },
  },
  {
    name: 'inspect: labels, hostname, aliases, health, build labels',
    run: async (c) => {
      const web = JSON.parse(await c.docker(['inspect', c.name('web')]))[0];
      assert.equal(web.Config.Labels['com.docker.compose.service'], 'web');
      assert.equal(web.Config.Labels['org.berth.built'], 'yes');
      assert.ok(web.Config.Env.includes('GREETING=hello-compose'));
      assert.match(web.Config.Hostname, /^[0-9a-f]{12}$/);
      assert.ok(web.NetworkSettings.Networks[`${c.project}_back`].Aliases.includes('www'));
      const db = JSON.parse(await c.docker(['inspect', c.name('db')]))[0];
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
          return new RegExp(`${c.client.logName('worker')} +\\| hello from web`).test(o) ? o : undefined;
        },
        30_000,
      );
      assert.match(out, new RegExp(`${c.client.logName('db')} +\\| db ready`));
      assert.match(out, new RegExp(`${c.client.logName('web')} +\\| web up, greeting=hello-compose`));
    },
  },
  {
    name: 'logs -f: follows until stopped',
    run: async (c) => {
      const out = await followUntil(c, ['logs', '-f', '--no-color', '--tail', '0', 'worker'], new RegExp(`${c.client.logName('worker')} +\\| hello from web`));
      if (c.client.attachLine) assert.match(out, /Attaching to/);
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
    name: 'profiles: a service in a profile runs only when its profile is on',
    run: async (c) => {
      // `up` left it out (the ps step); with its profile on, or named on the command line, it runs.
      assert.equal(await c.ok(['--profile', 'debug', 'run', '--rm', '-T', 'debug']), 'debug profile\n');
      assert.equal(await c.ok(['run', '--rm', '-T', 'debug']), 'debug profile\n');
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
      assert.equal(lines(await c.docker(['ps', '--filter', `label=com.docker.compose.project=${c.project}`, '-q'])).length, 4);
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
      assert.deepEqual(workers.sort(), [c.name('worker', 1), c.name('worker', 2)]);
      assert.equal(await c.ok(['exec', '-T', '--index=2', 'worker', 'wget', '-q', '-O', '-', 'http://www:8080/']), 'hello from web\n');
    },
  },
  {
    name: 'two networks: a service on both reaches names on each',
    // Last before down: compose v2 connects the second network to a created container, and names
    // there did not resolve before the compat-links fix (the steps after a failure are not run).
    run: async (c) => {
      // edge and web sit on back and front: compose creates each on one and connects the other.
      assert.equal(await c.ok(['exec', '-T', 'edge', 'wget', '-q', '-O', '-', 'http://www:8080/']), 'hello from web\n');
      assert.equal(await c.ok(['exec', '-T', 'edge', 'wget', '-q', '-O', '-', 'http://site:8080/']), 'hello from web\n');
      const nets = Object.keys(JSON.parse(await c.docker(['inspect', c.name('edge')]))[0].NetworkSettings.Networks).sort();
      assert.deepEqual(nets, [`${c.project}_back`, `${c.project}_front`]);
    },
  },
  {
    name: 'down -v --rmi local: nothing left behind',
    run: async (c) => {
      await c.ok(['down', '-v', '--rmi', 'local'], 120_000);
      assert.deepEqual(lines(await c.docker(['ps', '-a', '-q', '--filter', `label=com.docker.compose.project=${c.project}`])), []);
      assert.deepEqual(lines(await c.docker(['network', 'ls', '-q', '--filter', `name=${c.project}`])), []);
      assert.deepEqual(lines(await c.docker(['volume', 'ls', '-q', '--filter', `name=${c.project}`])), []);
      assert.deepEqual(lines(await c.docker(['images', '-q', c.client.image(c.project, 'web')])), []);
    },
  },
];

async function runSteps(client: ComposeClient, engine: Engine, project: string, record: (step: string, err?: Error) => void): Promise<void> {
  const [program, base] = client.command(FILE);
  const compose = (args: string[], timeoutMs = 60_000): Promise<RunResult> =>
    runProgram(program, [...base, ...args], composeEnv(engine, project, client), { timeoutMs });
  const c: ComposeRun = {
    project,
    engine,
    client,
    name: (service, index) => client.container(project, service, index),
    compose,
    async ok(args, timeoutMs) {
      const r = await compose(args, timeoutMs);
      if (r.code !== 0) throw new Error(`${[program, ...base].join(' ')} ${args.join(' ')} exited ${r.code}: ${r.stderr.slice(-1500)}`);
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
  skip: !existsSync(COMPOSE_V1) && 'docker-compose is not installed (scripts/setup installs it)',
  report: 'compose',
  prefixes: { berthd: 'cb', docker: 'ck' },
  run: (engine, column, project, rec) => recordSteps(V1, 'docker-compose', engine, column, project, rec),
  skipDocker(rec) {
    for (const s of STEPS) rec.set('docker-compose', s.name, 'client→Docker', 'skip');
  },
});

clientSuite({
  title: 'compose v2 (docker compose) against berthd (and Docker)',
  skip: !existsSync(COMPOSE_V2) && `compose v2 is not in ${PLUGINS} (scripts/fetch-cli-plugins fetches it from Debian trixie)`,
  report: 'compose-v2',
  prefixes: { berthd: 'cv', docker: 'cw' },
  async run(engine, column, project, rec) {
    const config = await composeV2Config(engine);
    try {
      return await recordSteps(v2(config), 'docker compose v2', engine, column, project, rec);
    } finally {
      await rm(config, { recursive: true, force: true });
    }
  },
  skipDocker(rec) {
    for (const s of STEPS) rec.set('docker compose v2', s.name, 'client→Docker', 'skip');
  },
});

async function recordSteps(client: ComposeClient, group: string, engine: Engine, column: Column, project: string, rec: Recorder): Promise<string[]> {
  const failures: string[] = [];
  await runSteps(client, engine, project, (step, err) => {
    rec.set(group, step, column, err ? 'fail' : 'pass', err?.message.split('\n')[0]);
    if (err) failures.push(`${step}: ${err.message}`);
  });
  return failures;
}
