/**
 * The engines a conformance scenario runs against: a private berthd (the e2e harness) and, when
 * one answers on /var/run/docker.sock (`bench/docker-engine.sh start`), a real Docker engine.
 * Both get the same busybox rootfs imported as `IMAGE`, so image-level output is comparable.
 * Everything a scenario makes carries a per-run prefix (names) or the `LABEL` label, and
 * `sweepDocker()` removes exactly that from the shared Docker engine.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiRequest, runProgram, type RunOptions, type RunResult } from '../e2e/clients.js';
import { busyboxRootfs, startDaemon, type Daemon } from '../e2e/harness.js';

export const DOCKER_SOCK = '/var/run/docker.sock';
/** The busybox image every scenario uses, imported under the same name into both engines. */
export const IMAGE = 'berth-conformance-busybox:latest';
/** The label every container a scenario creates carries (value: the run's prefix). */
export const LABEL = 'org.berth.conformance';
/** A fresh prefix per test process: names in the shared Docker engine never collide. */
export const RUN = `bc${randomBytes(3).toString('hex')}`;

export type Target = 'docker→berthd' | 'berth→berthd' | 'docker→Docker';
export const TARGETS: Target[] = ['docker→berthd', 'berth→berthd', 'docker→Docker'];

export interface Engine {
  kind: 'berthd' | 'Docker';
  socket: string;
  /** The environment a client needs to reach this engine (DOCKER_HOST, an empty DOCKER_CONFIG). */
  env: NodeJS.ProcessEnv;
  docker(args: string[], opts?: RunOptions): Promise<RunResult>;
  stop(): Promise<void>;
}

/** True when a Docker engine answers on /var/run/docker.sock (BERTH_CONFORMANCE_DOCKER=0: never, as in CI). */
export async function dockerEngineUp(): Promise<boolean> {
  if (process.env.BERTH_CONFORMANCE_DOCKER === '0' || !existsSync(DOCKER_SOCK)) return false;
  const r = await apiRequest(DOCKER_SOCK, 'GET', '/_ping').catch(() => undefined);
  return r?.status === 200;
}

/** Imports the busybox rootfs as IMAGE (CMD sh), as the harness does for busybox:latest. */
async function importImage(socket: string): Promise<void> {
  const tar = await readFile(await busyboxRootfs());
  const changes = encodeURIComponent('CMD ["sh"]');
  const r = await apiRequest(socket, 'POST', `/v1.41/images/create?fromSrc=-&repo=${IMAGE}&changes=${changes}`, tar, { 'Content-Type': 'application/x-tar' });
  if (r.status !== 200 || /errorDetail/.test(r.body)) throw new Error(`importing ${IMAGE} failed: ${r.status} ${r.body}`);
}

function clientEnv(socket: string, config: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: config, DOCKER_CLI_HINTS: 'false' };
  for (const k of ['DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_API_VERSION', 'BERTH_HOST']) delete env[k];
  return env;
}

export interface BerthEngine extends Engine {
  daemon: Daemon;
  berth(args: string[], opts?: RunOptions): Promise<RunResult>;
}

/** A private berthd with IMAGE imported. */
export async function startBerthd(): Promise<BerthEngine> {
  const daemon = await startDaemon();
  await importImage(daemon.socket);
  const env = clientEnv(daemon.socket, join(daemon.dir, 'docker-config'));
  return {
    kind: 'berthd',
    daemon,
    socket: daemon.socket,
    env,
    docker: (args, o) => daemon.docker(args, o),
    berth: (args, o) => daemon.berth(args, o),
    stop: () => daemon.stop(),
  };
}

/** The shared Docker engine with IMAGE imported; `stop()` sweeps what this run made in it. */
export async function openDocker(): Promise<Engine> {
  const config = await mkdtemp(join(tmpdir(), 'berth-conformance-docker-'));
  await writeFile(join(config, 'config.json'), '{}\n');
  await importImage(DOCKER_SOCK);
  const env = clientEnv(DOCKER_SOCK, config);
  const docker = (args: string[], o?: RunOptions): Promise<RunResult> => runProgram('docker', args, env, o);
  return {
    kind: 'Docker',
    socket: DOCKER_SOCK,
    env,
    docker,
    async stop() {
      await sweepDocker(docker);
      await rm(config, { recursive: true, force: true });
    },
  };
}

/** Removes this run's containers, networks, volumes and images from the Docker engine. */
export async function sweepDocker(docker: (args: string[]) => Promise<RunResult>): Promise<void> {
  const ids = async (args: string[]): Promise<string[]> => (await docker(args)).stdout.split('\n').filter(Boolean);
  const containers = [...new Set([...(await ids(['ps', '-aq', '--filter', `label=${LABEL}`])), ...(await ids(['ps', '-aq', '--filter', `name=${RUN}`]))])];
  if (containers.length > 0) await docker(['rm', '-f', '-v', ...containers]);
  const networks = await ids(['network', 'ls', '-q', '--filter', `name=${RUN}`]);
  if (networks.length > 0) await docker(['network', 'rm', ...networks]);
  const volumes = await ids(['volume', 'ls', '-q', '--filter', `name=${RUN}`]);
  if (volumes.length > 0) await docker(['volume', 'rm', '-f', ...volumes]);
  const images = (await ids(['images', '--format', '{{.Repository}}:{{.Tag}}'])).filter((n) => n.startsWith(RUN));
  if (images.length > 0) await docker(['rmi', '-f', ...images]);
}
