#!/usr/bin/env node
// Pull throughput: berth against a Docker engine (when one answers on /var/run/docker.sock), from
// the same local registry (Debian's docker-registry on 127.0.0.1, a random port, temp storage).
// The image: LAYERS gzip layers, ~SIZE MB uncompressed in all (half random bytes, half zeros, so
// gzip has work to do), uploaded straight through the distribution API. Each run pulls into an
// empty store (berth: `rmi` between runs; Docker: `rmi` too). Not a test. Cleans up everything
// it started, by pid: the registry, its berthd; and the temp dir and the image in Docker.
//
//   npm run build && node bench/pull.mjs [--size-mb 300] [--layers 5] [--runs 3]
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BERTH_CLI, arg, DOCKER_SOCK, dockerUp, flag, median, startBerthd, time, writeRows } from './lib.mjs';

const SIZE_MB = arg('size-mb', flag('quick') ? 100 : 300);
const LAYERS = arg('layers', 5);
const RUNS = arg('runs', flag('quick') ? 1 : 3);

const tmp = mkdtempSync(join(tmpdir(), 'berth-bench-pull-'));
const children = [];
let ref;
let berthd;
const cleanup = async () => {
  if (ref && dockerUp()) spawnSync('docker', ['-H', `unix://${DOCKER_SOCK}`, 'rmi', '-f', ref], { stdio: 'ignore' });
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await berthd?.stop();
  rmSync(tmp, { recursive: true, force: true });
};
process.on('SIGINT', () => void cleanup().finally(() => process.exit(130)));

const sha = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () =>
  new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => res(p));
    });
  });

function tarOf(name, data) {
  const h = Buffer.alloc(512);
  h.write(name, 0);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write('0', 156);
  h.write('ustar\0' + '00', 257);
  h.fill(' ', 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return Buffer.concat([h, data, Buffer.alloc((512 - (data.length % 512)) % 512), Buffer.alloc(1024)]);
}

function http(method, url, body, headers = {}) {
  return new Promise((res, rej) => {
    const req = request(url, { method, headers: { 'Content-Length': body ? body.length : 0, ...headers } }, (r) => {
      const chunks = [];
      r.on('data', (c) => chunks.push(c));
      r.on('end', () => res({ status: r.statusCode, headers: r.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', rej);
    req.end(body);
  });
}

async function pushBlob(base, repo, blob) {
  const start = await http('POST', `${base}/v2/${repo}/blobs/uploads/`);
  const loc = new URL(start.headers.location, base);
  loc.searchParams.set('digest', sha(blob));
  const put = await http('PUT', loc.href, blob, { 'Content-Type': 'application/octet-stream' });
  if (put.status !== 201) throw new Error(`blob upload: ${put.status} ${put.body}`);
}

async function main() {
  const regPort = await freePort();
  const host = `127.0.0.1:${regPort}`;
  writeFileSync(
    join(tmp, 'registry.yml'),
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(tmp, 'registry')}\n  delete:\n    enabled: true\nhttp:\n  addr: ${host}\n`,
  );
  const reg = spawn('docker-registry', ['serve', join(tmp, 'registry.yml')], { stdio: 'ignore' });
  children.push(reg);
  for (
    let i = 0;
    i < 100 &&
    (await http('GET', `http://${host}/v2/`).then(
      () => false,
      () => true,
    ));
    i++
  )
    await sleep(50);

  const per = Math.floor((SIZE_MB * 1e6) / LAYERS);
  const layers = [];
  const diffIds = [];
  process.stderr.write(`building ${LAYERS} layers of ${(per / 1e6).toFixed(0)} MB…\n`);
  for (let i = 0; i < LAYERS; i++) {
    const data = Buffer.alloc(per);
    randomFillSync(data, 0, Math.floor(per / 2));
    const tar = tarOf(`layer${i}.bin`, data);
    diffIds.push(sha(tar));
    layers.push(gzipSync(tar, { level: 1 }));
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['/layer0.bin'] },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: diffIds.map(() => ({ created_by: 'bench' })),
    }),
  );
  const repo = 'bench/pull';
  for (const b of [...layers, config]) await pushBlob(`http://${host}`, repo, b);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: sha(config), size: config.length },
      layers: layers.map((l) => ({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: sha(l), size: l.length })),
    }),
  );
  const put = await http('PUT', `http://${host}/v2/${repo}/manifests/v1`, manifest, { 'Content-Type': 'application/vnd.docker.distribution.manifest.v2+json' });
  if (put.status !== 201) throw new Error(`manifest: ${put.status} ${put.body}`);
  ref = `${host}/${repo}:v1`;
  const compressed = layers.reduce((n, l) => n + l.length, 0);

  writeFileSync(join(tmp, 'daemon.json'), JSON.stringify({ 'insecure-registries': [host] }));
  berthd = await startBerthd(tmp, ['--config-file', join(tmp, 'daemon.json')]);
  const sock = berthd.socket;
  const env = { ...process.env, BERTH_HOST: `unix://${sock}` };

  const results = { berth: [], docker: [] };
  for (let r = 0; r < RUNS; r++) {
    results.berth.push(time(BERTH_CLI, ['pull', '-q', ref], env));
    time(BERTH_CLI, ['rmi', ref], env);
  }
  if (dockerUp()) {
    const denv = { ...process.env, DOCKER_HOST: 'unix:///var/run/docker.sock' };
    for (let r = 0; r < RUNS; r++) {
      results.docker.push(time('docker', ['pull', '-q', ref], denv));
      time('docker', ['rmi', ref], denv);
    }
  }
  console.log(
    `image: ${LAYERS} layers, ${SIZE_MB.toFixed(0)} MB uncompressed, ${(compressed / 1e6).toFixed(0)} MB gzip; ${RUNS} runs each, median (all) in ms`,
  );
  console.log(`berth  pull: ${median(results.berth).toFixed(0)}  (${results.berth.map((x) => x.toFixed(0)).join(', ')})`);
  if (results.docker.length) {
    console.log(`docker pull: ${median(results.docker).toFixed(0)}  (${results.docker.map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`berth/docker: ${(median(results.berth) / median(results.docker)).toFixed(2)}`);
  } else console.log('docker: no engine on /var/run/docker.sock (bench/docker-engine.sh start)');
  writeRows([
    {
      bench: `pull ${SIZE_MB} MB, ${LAYERS} layers (local registry)`,
      berth: median(results.berth),
      docker: results.docker.length ? median(results.docker) : undefined,
      unit: 'ms',
    },
  ]);
}

main().then(cleanup, async (err) => {
  await cleanup();
  console.error(err);
  process.exit(1);
});
