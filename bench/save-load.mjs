#!/usr/bin/env node
// save/load throughput: berth against a Docker engine (when one answers on /var/run/docker.sock).
// Also export of a container made from that image and import of the exported tar.
// Builds a multi-layer image archive (busybox-free: N layers of incompressible random data, ~SIZE MB in
// all) in docker-archive format, then times `load -i` and `save -o` on a private berthd and on Docker.
// Not a test. Cleans up: the temp dir, its berthd (by pid), and the image it loaded into Docker.
//
//   npm run build && node bench/save-load.mjs [--size-mb 500] [--layers 5] [--runs 3]
import { spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BERTH_CLI, arg, DOCKER_SOCK, dockerUp, flag, median, startBerthd, time, writeRows } from './lib.mjs';

const SIZE_MB = arg('size-mb', flag('quick') ? 200 : 500);
const LAYERS = arg('layers', 5);
const RUNS = arg('runs', flag('quick') ? 1 : 3);
const TAG = `berth-bench-saveload:${process.pid}`;
const IMPORTED = `berth-bench-imported:${process.pid}`;
const CTR = `berth-bench-export-${process.pid}`;

const tmp = mkdtempSync(join(tmpdir(), 'berth-bench-saveload-'));
let daemon;
const cleanup = async () => {
  await daemon?.stop();
  if (dockerUp()) {
    for (let i = 0; i < RUNS; i++) spawnSync('docker', ['-H', `unix://${DOCKER_SOCK}`, 'rm', '-f', `${CTR}-${i}`], { stdio: 'ignore' });
    spawnSync('docker', ['-H', `unix://${DOCKER_SOCK}`, 'rmi', '-f', TAG, IMPORTED], { stdio: 'ignore' });
  }
  rmSync(tmp, { recursive: true, force: true });
};
process.on('SIGINT', () => void cleanup().finally(() => process.exit(130)));

/** A ustar header for one regular file (name < 100 bytes). */
function tarHeader(name, size, type = '0') {
  const h = Buffer.alloc(512);
  h.write(name, 0);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write(type, 156);
  h.write('ustar\0' + '00', 257);
  h.fill(' ', 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}
const pad = (n) => Buffer.alloc((512 - (n % 512)) % 512);

/** One layer tar file holding `bytes` of random data in data/layerI.bin; returns its sha256 hex. */
function writeLayer(path, i, bytes) {
  const fd = openSync(path, 'w');
  const hash = createHash('sha256');
  const put = (b) => {
    hash.update(b);
    writeSync(fd, b);
  };
  put(tarHeader('data/', 0, '5'));
  put(tarHeader(`data/layer${i}.bin`, bytes));
  const chunk = Buffer.alloc(1 << 20);
  for (let left = bytes; left > 0; left -= chunk.length) put(randomFillSync(chunk).subarray(0, Math.min(left, chunk.length)));
  put(pad(bytes));
  put(Buffer.alloc(1024));
  closeSync(fd);
  return hash.digest('hex');
}

function buildArchive() {
  const dir = join(tmp, 'img');
  spawnSync('mkdir', ['-p', join(dir, 'blobs/sha256')]);
  const diffIds = [];
  for (let i = 0; i < LAYERS; i++) {
    const part = join(dir, `part${i}`);
    const hex = writeLayer(part, i, Math.floor((SIZE_MB * 1e6) / LAYERS));
    spawnSync('mv', [part, join(dir, 'blobs/sha256', hex)]);
    diffIds.push(`sha256:${hex}`);
  }
  const config = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    created: new Date(0).toISOString(),
    config: {},
    rootfs: { type: 'layers', diff_ids: diffIds },
  });
  const cfgHex = createHash('sha256').update(config).digest('hex');
  writeFileSync(join(dir, 'blobs/sha256', cfgHex), config);
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify([{ Config: `blobs/sha256/${cfgHex}`, RepoTags: [TAG], Layers: diffIds.map((d) => `blobs/sha256/${d.slice(7)}`) }]),
  );
  const out = join(tmp, 'image.tar');
  spawnSync('tar', ['-cf', out, '-C', dir, 'blobs', 'manifest.json'], { stdio: 'inherit' });
  rmSync(dir, { recursive: true, force: true });
  return out;
}

async function main() {
  const archive = buildArchive();
  const mb = statSync(archive).size / 1e6;
  daemon = await startBerthd(tmp);
  const socket = daemon.socket;
  const berthEnv = { ...process.env, BERTH_HOST: `unix://${socket}` };
  const dockerEnv = { ...process.env, DOCKER_HOST: 'unix:///var/run/docker.sock' };
  const engines = [['berth', (a) => time(BERTH_CLI, a, berthEnv), () => spawnSync(BERTH_CLI, ['rmi', '-f', TAG], { env: berthEnv, stdio: 'ignore' })]];
  if (dockerUp())
    engines.push(['docker', (a) => time('docker', a, dockerEnv), () => spawnSync('docker', ['rmi', '-f', TAG], { env: dockerEnv, stdio: 'ignore' })]);
  console.log(`archive: ${mb.toFixed(0)} MB, ${LAYERS} layers (random data), ${RUNS} runs each, median wall clock`);
  const results = {};
  for (const [name, run, rmi] of engines) {
    const r = { load: [], save: [], export: [], import: [] };
    for (let i = 0; i < RUNS; i++) {
      rmi();
      r.load.push(run(['load', '-q', '-i', archive]));
      const out = join(tmp, `saved-${name}.tar`);
      r.save.push(run(['save', '-o', out, TAG]));
      rmSync(out, { force: true });
      // export of a container made from the image, then import of that tar as an image
      const ctr = `${CTR}-${i}`;
      run(['create', '--name', ctr, TAG, 'true']);
      const exp = join(tmp, `exported-${name}.tar`);
      r.export.push(run(['export', '-o', exp, ctr]));
      run(['rm', ctr]);
      r.import.push(run(['import', exp, IMPORTED]));
      run(['rmi', IMPORTED]);
      rmSync(exp, { force: true });
    }
    results[name] = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, median(v)]));
    const rate = (ms) => `${ms.toFixed(0).padStart(6)} ms (${(mb / (ms / 1000)).toFixed(0)} MB/s)`;
    console.log(
      `  ${name.padEnd(6)} ${Object.entries(results[name])
        .map(([k, ms]) => `${k} ${rate(ms)}`)
        .join('   ')}`,
    );
  }
  if (results.docker) {
    console.log(
      `  berth/docker: ${Object.keys(results.berth)
        .map((k) => `${k} ${(results.berth[k] / results.docker[k]).toFixed(2)}x`)
        .join(', ')}`,
    );
  }
  writeRows(
    Object.keys(results.berth).map((k) => ({
      bench: `${k} ${mb.toFixed(0)} MB image`,
      berth: results.berth[k],
      docker: results.docker?.[k],
      unit: 'ms',
      target: k === 'load' ? 1.0 : undefined,
    })),
  );
}

main().then(cleanup, async (err) => {
  console.error(err.message);
  await cleanup();
  process.exit(1);
});
