// What the benchmarks share: flags, timing, medians, whether a Docker engine answers, and a
// private berthd (own socket, data root, bridge, subnets and firewall chain, swept afterwards,
// so a benchmark leaves no bridge or NAT rule behind). Needs `npm run build` (dist/).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DOCKER_SOCK = '/var/run/docker.sock';

/** `--name N` from the command line as a number, or the default. */
export function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Wall-clock ms of one command run to completion; throws with its output when it fails. */
export function time(cmd, args, env) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}\n${(r.stdout ?? '').slice(-2000)}`);
  return ms;
}

export const dockerUp = () => existsSync(DOCKER_SOCK) && spawnSync('docker', ['-H', `unix://${DOCKER_SOCK}`, 'version'], { stdio: 'ignore' }).status === 0;

/** One Engine API call over a unix socket; resolves {status, body}. */
export function api(socket, method, path, body, headers = {}) {
  return new Promise((res, rej) => {
    const req = request({ socketPath: socket, method, path, headers }, (r) => {
      const chunks = [];
      r.on('data', (c) => chunks.push(c));
      r.on('end', () => res({ status: r.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', rej);
    req.end(body);
  });
}

/**
 * Starts a berthd on `<tmp>/berthd.sock` with data and exec roots under `tmp` and network names
 * of its own; resolves once it answers `/_ping`. `stop()` ends it (by pid), unmounts what it
 * left under `tmp` and sweeps its bridge, rules and chains.
 */
export async function startBerthd(tmp, extraArgs = []) {
  const { pickDaemonNetwork, daemonNetworkArgs } = await import(join(REPO, 'dist/test/e2e/network-names.js'));
  const { sweepNetworks } = await import(join(REPO, 'dist/test/e2e/network-sweep.js'));
  const socket = join(tmp, 'berthd.sock');
  const dataRoot = join(tmp, 'data');
  const args = [join(REPO, 'dist/bin/berthd.mjs'), '-H', `unix://${socket}`, '--data-root', dataRoot, '--exec-root', join(tmp, 'run'), ...daemonNetworkArgs(pickDaemonNetwork(tmp)), ...extraArgs];
  const child = spawn(process.execPath, args, { stdio: 'ignore' });
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    spawnSync('umount', ['-R', dataRoot], { stdio: 'ignore' });
    await sweepNetworks(tmp, dataRoot);
  };
  for (let i = 0; ; i++) {
    if ((await api(socket, 'GET', '/_ping').catch(() => ({ status: 0 }))).status === 200) break;
    if (i > 300 || child.exitCode !== null) {
      await stop();
      throw new Error('berthd did not start');
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { socket, stop };
}
